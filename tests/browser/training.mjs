// tests/browser/training.mjs: the training walk of the browser test, run by
// run.mjs on the demo database after its sign-in flow. Each part signs in
// as a demo person (the demo program's passphrases) and goes by links and
// forms as a person would; axe-core checks every page on the way.
//   instructor:  on a phone-sized screen, the roll call of the course in
//                progress → one trainee late, one absent
//   officer:     dashboard → Certificates → their certificate → the PDF
//                (answers application/pdf)
// t: { page, ctx, base, db, check, axe, shot } from run.mjs.

import { spawnSync } from 'node:child_process';

const INSTRUCTOR = { email: 'instructor@pinebeltcit.example', password: 'chalkboard full of kindness' };
const OFFICER = { email: 'officer@pinebeltcit.example', password: 'slow down and listen' };

async function signIn(t, who) {
  const { page, ctx, base } = t;
  await ctx.clearCookies();
  await page.goto(`${base}/login`);
  await page.getByLabel(/^e-?mail/i).fill(who.email);
  await page.getByLabel(/^password/i).fill(who.password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign in|log in/i }).click()]);
  return new URL(page.url()).pathname;
}

// Follows the link named name (a RegExp) inside main or the navigation.
async function follow(t, name) {
  const link = t.page.getByRole('link', { name }).first();
  await Promise.all([t.page.waitForNavigation(), link.click()]);
}

// One value from the test's database (the sqlite3 shell), for addresses
// a person would have as a link or a bookmark.
function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`sqlite3: ${r.stderr || 'no row'}: ${sql}`);
  return r.stdout.trim().split('\n')[0];
}

const main = (page) => page.locator('main').innerText();

// The demo's lead instructor takes roll call on a phone.
export async function instructorRollCall(t) {
  const { page, check, axe, shot } = t;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const landed = await signIn(t, INSTRUCTOR);
    check('training: the demo instructor signs in on a phone', landed === '/', landed);
    // No page links to roll call yet: the instructor opens the session's
    // roll from its address (the latest session that has begun).
    const sid = sqlite(t.db, "SELECT s.id FROM course_sessions s JOIN courses c ON c.id = s.course_id " +
      "WHERE c.title LIKE '%class 2 of 2026' AND s.starts_at <= unixepoch() ORDER BY s.starts_at DESC LIMIT 1");
    await page.goto(`${t.base}/sessions/${sid}/roll`);
    check('training: the roll call of the latest session opens',
      /roll call/i.test(await page.title()), `${page.url()} ${await page.title()}`);
    await axe(page, 'roll call (phone)');
    const entries = page.locator('li.roll-entry');
    check('training: the roll lists the trainees, present by default',
      (await entries.count()) >= 2 && /present/i.test(await entries.first().innerText()),
      await main(page));
    await entries.nth(0).getByRole('spinbutton', { name: /late/i }).fill('10');
    await Promise.all([page.waitForNavigation(),
      entries.nth(0).getByRole('button', { name: /^late$/i }).click()]);
    check('training: one tap marks a trainee 10 minutes late',
      /late 10 min/i.test(await page.locator('li.roll-entry').nth(0).innerText()),
      await page.locator('li.roll-entry').nth(0).innerText());
    await Promise.all([page.waitForNavigation(),
      page.locator('li.roll-entry').nth(1).getByRole('button', { name: /^absent$/i }).click()]);
    check('training: one tap marks a trainee absent',
      /absent/i.test(await page.locator('li.roll-entry').nth(1).innerText()),
      await page.locator('li.roll-entry').nth(1).innerText());
    await axe(page, 'roll call after marks (phone)');
    await shot(page, 'training-roll-call-phone');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check('training: the roll call fits a phone without sideways scrolling', wide <= 390, `${wide}px`);
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

// The officer finds their certificate from the dashboard and downloads it.
export async function officerCertificate(t) {
  const { page, check, axe, shot } = t;
  const landed = await signIn(t, OFFICER);
  check('training: the demo officer signs in', landed === '/', landed);
  await follow(t, /^certificates$/i);
  check('training: the officer reaches the certificates page',
    new URL(page.url()).pathname === '/certificates', page.url());
  await axe(page, 'officer /certificates');
  const mine = page.locator('main table tbody tr', { hasText: 'Tyler Nguyen' });
  check('training: the officer sees their own certificate', (await mine.count()) === 1,
    await page.locator('main').innerText());
  await Promise.all([page.waitForNavigation(), mine.first().getByRole('link').first().click()]);
  check('training: the certificate page names its holder and hours',
    /Tyler Nguyen/.test(await page.locator('main').innerText()) &&
      /\d+ h/.test(await page.locator('main').innerText()), page.url());
  await axe(page, 'officer certificate');
  await shot(page, 'training-certificate');
  const href = await page.getByRole('link', { name: /pdf/i }).first().getAttribute('href');
  const res = await page.request.get(new URL(href, page.url()).toString());
  const type = res.headers()['content-type'] || '';
  const body = await res.body();
  check('training: the certificate PDF link answers application/pdf',
    res.status() === 200 && type.startsWith('application/pdf') &&
      body.subarray(0, 5).toString() === '%PDF-', `${res.status()} ${type}`);
}

export async function trainingWalk(t) {
  await instructorRollCall(t);
  await officerCertificate(t);
}
