// tests/browser/training.mjs: the training walk of the browser test, run by
// run.mjs on the demo database after its sign-in flow. Each part signs in
// as a demo person (the demo program's passphrases) and goes by links and
// forms as a person would; axe-core checks every page on the way.
//   coordinator: (signed in by run.mjs) Curricula → the national model →
//                derive a local curriculum → re-time a module → approve →
//                Courses → add a course on it → add a session
//   instructor:  on a phone-sized screen, Courses (in progress) → the course
//                → a session's Roll call → one trainee late, one absent
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

// One value from the test's database (the sqlite3 shell): which of the
// links a person would pick (by time, which the page shows in words).
function sqlite(db, sql) {
  const r = spawnSync('sqlite3', [db, sql], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) throw new Error(`sqlite3: ${r.stderr || 'no row'}: ${sql}`);
  return r.stdout.trim().split('\n')[0];
}

const main = (page) => page.locator('main').innerText();
const pathOf = (page) => new URL(page.url()).pathname;

// "YYYY-MM-DD", days from today (the browser's clock: UTC here).
function dayFromToday(days) {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

async function submit(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

// The coordinator, signed in already, from the national model to an
// approved local curriculum; returns its name.
export async function coordinatorCurriculum(t) {
  const { page, base, check, axe, shot } = t;
  const name = `Browser CIT ${process.pid}`;
  await page.goto(`${base}/`);
  await follow(t, /^curricula$/i);
  check('training: the coordinator reaches Curricula', pathOf(page) === '/curricula', page.url());
  await axe(page, '/curricula');
  await follow(t, /national cit curriculum model/i);
  check('training: the model lists its guideline rules', /40 h/.test(await main(page)), page.url());
  await axe(page, 'curriculum model');
  await shot(page, 'training-model');

  await page.getByLabel(/name of the local curriculum/i).fill(name);
  await submit(page, /derive a local curriculum/i);
  check('training: deriving from the model makes a draft',
    /draft was made/i.test(await main(page)) && /^\/curricula\/\d+$/.test(pathOf(page)), page.url());
  await axe(page, 'curriculum draft');
  const draft = page.url();

  await follow(t, /verbal de-escalation/i);
  await axe(page, 'curriculum module');
  await page.getByLabel(/^minutes$/i).fill('270');
  await submit(page, /save module/i);
  await page.goto(draft);
  check('training: the re-timed module is saved', /4 h 30 min|270/.test(await main(page)), page.url());
  await submit(page, /approve this version/i);
  check('training: the draft passes the rules and is approved',
    /version was approved/i.test(await main(page)), (await main(page)).slice(0, 400));
  await axe(page, 'curriculum approved');

  return name;
}

// The coordinator, signed in already, adds a course on an approved
// curriculum version (named version) and schedules a session.
export async function coordinatorCourse(t, version) {
  const { page, check, axe, shot } = t;
  const name = `Browser course ${process.pid}`;
  await page.goto(`${t.base}/`);
  await follow(t, /^courses$/i);
  check('training: the coordinator reaches Courses', pathOf(page) === '/courses', page.url());
  await axe(page, '/courses');
  await follow(t, /add a course/i);
  await axe(page, '/courses/new');
  const picker = page.getByLabel(/curriculum version/i);
  const option = await picker.locator('option', { hasText: version }).first().getAttribute('value');
  await picker.selectOption(option);
  await page.getByLabel(/^title$/i).fill(name);
  await page.getByLabel(/^location$/i).fill('Training room B');
  await page.getByLabel(/^first day$/i).fill(dayFromToday(30));
  await page.getByLabel(/^last day$/i).fill(dayFromToday(34));
  await page.getByLabel(/^capacity$/i).fill('20');
  await submit(page, /add course/i);
  check('training: the course is added on the approved version',
    /^\/courses\/\d+$/.test(pathOf(page)) && (await main(page)).includes(name), page.url());
  await axe(page, 'course');

  await page.getByLabel(/^date$/i).fill(dayFromToday(30));
  await page.getByLabel(/^start$/i).fill('08:00');
  await page.getByLabel(/^end$/i).fill('10:00');
  await page.getByLabel(/^room$/i).fill('Room B');
  await page.getByLabel(/understanding mental illness/i).check();
  await page.locator('#instructor input[type=checkbox]').first().check();
  await submit(page, /add session/i);
  const text = await main(page);
  check('training: the session is scheduled and the course lists what is still unscheduled',
    /08:00/.test(text) && /unscheduled|not (yet )?scheduled/i.test(text), text.slice(0, 600));
  await axe(page, 'course with a session');
  await shot(page, 'training-course');
}

// The demo's lead instructor takes roll call on a phone.
export async function instructorRollCall(t) {
  const { page, check, axe, shot } = t;
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    const landed = await signIn(t, INSTRUCTOR);
    check('training: the demo instructor signs in on a phone', landed === '/', landed);
    await follow(t, /^courses$/i);
    // The list opens on the open courses and those the instructor
    // teaches; the instructor narrows it to those in progress.
    await page.getByLabel(/^status$/i).selectOption('in_progress');
    await submit(page, /^show$/i);
    await follow(t, /class 2 of 2026/i);
    check('training: the instructor finds the course in progress on a phone',
      /class 2 of 2026/i.test(await main(page)), page.url());
    await axe(page, 'course (phone)');
    // The roll call of the latest session that has begun, by its link.
    const sid = sqlite(t.db, "SELECT s.id FROM course_sessions s JOIN courses c ON c.id = s.course_id " +
      "WHERE c.title LIKE '%class 2 of 2026' AND s.starts_at <= unixepoch() ORDER BY s.starts_at DESC LIMIT 1");
    await Promise.all([page.waitForNavigation(),
      page.locator(`main a[href="/sessions/${sid}/roll"]`).click()]);
    check('training: the session\'s Roll call link opens its roll call',
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
  t.page.on('dialog', (d) => d.accept()); // "Approve? It cannot be changed afterwards."
  const curriculum = await coordinatorCurriculum(t);
  await coordinatorCourse(t, curriculum);
  await instructorRollCall(t);
  await officerCertificate(t);
}
