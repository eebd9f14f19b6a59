// tests/browser/scenarios.mjs: a live scenario run, run by run.mjs on the
// demo database after the training walk. The demo instructor starts a run
// in the course in progress from the course page; the trainee opens the
// debrief on a phone by the join code; two classmates, each in their own
// browser context on a 360 px phone, join with the code and score on the
// rubric form; their feedback appears on the trainee's debrief without a
// reload (EventSource); the instructor scores, ends and closes the run and
// sees the result, which reaches the debrief live too. axe-core checks
// every page on the way. Last, debrief.js alone against a stream that
// drops: it resumes with Last-Event-ID and shows nothing twice.
// t: { page, ctx, base, db, check, axe, shot, cli } from run.mjs.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = require('playwright-core');

const INSTRUCTOR = { email: 'instructor@pinebeltcit.example', password: 'chalkboard full of kindness' };
const PASSWORD = 'Harbor-Willow-Signal-Meadow-4';
const PHONE = { width: 360, height: 740 };

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}: ${sql}`);
  return r.stdout.trim().split('\n')[0];
}

// Three officers of the demo's first agency, enrolled in the course in
// progress, and a rubric and scenario of this test's own (so the walk
// does not depend on what the demo's library holds).
function seed(t) {
  const pid = process.pid;
  const people = ['Riley Trainee', 'Casey Classmate', 'Morgan Classmate'].map((name, i) => {
    const email = `browser.run${i}.${pid}@suite.example`;
    t.cli(['user', 'add', '--db', t.db, '--email', email, '--name', `${name} ${pid}`, '--org', '1',
      '--role', 'officer', '--password-stdin'], `${PASSWORD}\n`);
    return { email, name: `${name} ${pid}`, password: PASSWORD };
  });
  const course = sqlite(t.db, "SELECT id FROM courses WHERE title LIKE '%class 2 of 2026' LIMIT 1");
  for (const p of people) {
    sqlite(t.db, `INSERT INTO enrollments (course_id, user_id, status, created_at, updated_at) ` +
      `SELECT ${course}, id, 'enrolled', unixepoch(), unixepoch() FROM users WHERE email = '${p.email}'`);
  }
  sqlite(t.db, `INSERT INTO rubrics (code, title, description, pass_mean_x100, created_at, updated_at) ` +
    `VALUES ('browser-${pid}', 'Browser rubric', '', 300, unixepoch(), unixepoch())`);
  const rubric = sqlite(t.db, `SELECT id FROM rubrics WHERE code = 'browser-${pid}'`);
  sqlite(t.db, `INSERT INTO rubric_skills (rubric_id, position, code, title, anchor_1, anchor_3, anchor_5, ` +
    `weight, is_critical) VALUES (${rubric}, 1, 'calm-voice', 'Calm voice and pace', 'Shouts or rushes', ` +
    `'Mostly calm', 'Low, slow and steady', 1, 1), (${rubric}, 2, 'offers-choices', 'Offers choices', ` +
    `'Orders only', 'One choice', 'Real choices', 1, 0)`);
  const title = `Browser bridge scenario ${pid}`;
  sqlite(t.db, `INSERT INTO scenarios (code, title, crisis_type, difficulty, dispatch_brief, minutes, ` +
    `rubric_id, created_at, updated_at) VALUES ('browser-bridge-${pid}', '${title}', 'suicidal', ` +
    `'intermediate', 'A caller reports a man outside the bridge railing.', 8, ${rubric}, unixepoch(), unixepoch())`);
  return { trainee: people[0], classmates: people.slice(1), title };
}

const mainText = (page) => page.locator('main').innerText();

async function submit(page, name) {
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]);
}

async function signIn(page, base, who) {
  await page.goto(`${base}/login`);
  await page.getByLabel(/^e-?mail/i).fill(who.email);
  await page.getByLabel(/^password/i).fill(who.password);
  await submit(page, /sign in|log in/i);
  return new URL(page.url()).pathname;
}

// A phone of its own: a fresh context (its own cookies), console errors
// and CSP violations collected.
async function phone(browser, problems, label) {
  const ctx = await browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
  const page = await ctx.newPage();
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`${label}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`${label}: ${e}`));
  page.on('dialog', (d) => d.accept());
  return { ctx, page };
}

async function joinWith(page, base, code) {
  await page.goto(`${base}/join`);
  await page.getByLabel(/join code/i).fill(code.toLowerCase());
  await submit(page, /^join$/i);
}

async function fitsPhone(t, page, what) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  t.check(`scenarios: ${what} fits a 360 px phone without sideways scrolling`, wide <= PHONE.width, `${wide}px`);
}

// Scores every skill by tapping the labels and sends the form.
async function score(page, scores, comment) {
  for (const [skill, value] of Object.entries(scores)) {
    await page.locator(`label[for="s-${skill}-${value}"]`).click();
  }
  if (comment !== undefined) await page.getByLabel(/comment/i).fill(comment);
  await submit(page, /send feedback|update your feedback/i);
}

// ui/debrief.js on its own, against a stand-in event stream that drops
// the connection after two events: the script must come back with
// Last-Event-ID: 2, take the rest (and a replayed duplicate) without
// showing anything twice, and stop listening once the run is closed.
// The server side of the resume is the runs HTTP test's.
async function debriefResumes(t, browser) {
  const script = readFileSync(join(here, '../../ui/debrief.js'));
  const html = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title>' +
    '<script src="/debrief.js" defer></script></head><body><main><div id="debrief" ' +
    'data-events="/events?after=0"><p><span id="run-status">Live</span></p>' +
    '<p id="run-result" hidden></p><p id="live" role="status"></p><table><tbody>' +
    '<tr data-skill="calm-voice"><th>Calm</th><td class="instructor">–</td><td class="classmate">–</td>' +
    '<td class="spread">–</td><td class="scorers">0 / 0</td></tr></tbody></table>' +
    '<p id="no-comments">No comments yet.</p><p><a id="refresh" href="/">Refresh</a></p></div></main></body></html>';
  const sum = (c, i, n) => [{ code: 'calm-voice', instructor_mean: i, classmate_mean: c, spread: 2,
    n_instructors: i === null ? 0 : 1, n_classmates: n }];
  const events = [
    [1, 'feedback', { feedback_id: 7, role: 'classmate', author: null, comment: 'Low <b>voice</b>', revision: 1, summary: sum(5, null, 1) }],
    [2, 'feedback', { feedback_id: 8, role: 'instructor', author: 'Dr. A', comment: 'Good pace', revision: 1, summary: sum(5, 4, 1) }],
    [3, 'feedback', { feedback_id: 7, role: 'classmate', author: null, comment: 'Low voice, revised', revision: 2, summary: sum(4.5, 4, 2) }],
    [4, 'ended', { ended_at: '2026-01-01T00:00:00Z' }],
    [5, 'closed', { result: 'pass', mean: 3.75 }],
  ];
  const asked = [];
  const server = http.createServer((req, res) => {
    if (req.url.startsWith('/events')) {
      const last = Number(req.headers['last-event-id'] || 0);
      asked.push(req.headers['last-event-id'] || '');
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
      res.write('retry: 100\n\n');
      // The first connection: two events, then it drops. Later ones
      // replay from one event earlier than asked (a duplicate) on.
      const first = asked.length === 1;
      const send = events.filter(([id]) => id > (first ? last : last - 1)).slice(0, first ? 2 : 9);
      for (const [id, kind, data] of send) {
        res.write(`id: ${id}\nevent: ${kind}\ndata: ${JSON.stringify({ run_id: 1, seq: id, ...data })}\n\n`);
      }
      if (first) res.end();
      return;
    }
    const js = req.url === '/debrief.js';
    res.writeHead(200, { 'Content-Type': js ? 'text/javascript' : 'text/html',
      'Content-Security-Policy': "default-src 'self'" });
    res.end(js ? script : html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const ctx = await browser.newContext();
  try {
    const page = await ctx.newPage();
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const done = await page.waitForFunction(() => document.getElementById('debrief').dataset.live === 'done',
      null, { timeout: 10000 }).then(() => true, () => false);
    const got = await page.evaluate(() => ({
      row: document.querySelector('tr[data-skill]').innerText.replace(/\s+/g, ' '),
      comments: [...document.querySelectorAll('#comments li')].map((li) => li.innerText.replace(/\s+/g, ' ')),
      result: document.getElementById('run-result').innerText,
      status: document.getElementById('run-status').innerText,
    }));
    t.check('scenarios: debrief.js reconnects with Last-Event-ID and follows the run to its close',
      done && asked.length === 2 && asked[1] === '2', `asked ${JSON.stringify(asked)}`);
    t.check('scenarios: debrief.js shows each comment once, revised in place, as text',
      got.comments.length === 2 && got.comments[0] === 'Classmate · revised Low voice, revised' &&
        got.comments[1] === 'Dr. A (instructor) Good pace', JSON.stringify(got.comments));
    t.check('scenarios: debrief.js keeps the table, status and result current',
      got.row === 'Calm 4.00 4.50 2 1 / 2' && got.status === 'Closed' &&
        got.result === "Result: Passed (instructors' mean 3.75)", JSON.stringify(got));
  } finally {
    await ctx.close();
    server.close();
  }
}

export async function scenariosWalk(t) {
  const { page, base, check, axe, shot } = t;
  const s = seed(t);
  // "Close the run?": accepted (the training walk may have said so already).
  page.on('dialog', (d) => d.accept().catch(() => {}));
  const problems = [];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    // 1. The instructor starts a run from the course's page.
    await t.ctx.clearCookies();
    const landed = await signIn(page, base, INSTRUCTOR);
    check('scenarios: the demo instructor signs in', landed === '/', landed);
    await page.goto(`${base}/courses?status=in_progress`);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /class 2 of 2026/i }).first().click()]);
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /^scenario runs$/i }).click()]);
    check('scenarios: the course page links its scenario runs', /\/courses\/\d+\/runs$/.test(page.url()), page.url());
    const courseRuns = page.url();
    await axe(page, 'course runs');
    await page.getByLabel(/^scenario$/i).selectOption({
      label: await page.locator('#f-scenario_id option', { hasText: s.title }).first().innerText(),
    });
    await page.getByLabel(/^trainee$/i).selectOption({
      label: await page.locator('#f-enrollment_id option', { hasText: s.trainee.name }).first().innerText(),
    });
    await page.getByLabel(/role player's name/i).fill('Jordan Actor');
    await submit(page, /start the run/i);
    check('scenarios: the run starts and opens its console', /\/runs\/\d+\?done=started$/.test(page.url()), page.url());
    const runPath = new URL(page.url()).pathname;
    const code = (await page.locator('.join-code').innerText()).trim();
    check('scenarios: the console shows a six-character join code and its QR code',
      /^[A-Z0-9]{6}$/.test(code) && (await page.locator('main svg').count()) >= 1, code);
    await axe(page, 'run console');
    await shot(page, 'scenarios-console');

    // 2. The trainee opens the debrief on a phone, by the code.
    const trainee = await phone(browser, problems, 'trainee');
    await signIn(trainee.page, base, s.trainee);
    await joinWith(trainee.page, base, code);
    check('scenarios: the trainee\'s code opens the debrief (trainees do not score)',
      /\/runs\/\d+\/debrief$/.test(trainee.page.url()), trainee.page.url());
    await axe(trainee.page, 'debrief (trainee phone)');
    await trainee.page.waitForFunction(() => document.getElementById('debrief')?.dataset.live === 'open',
      null, { timeout: 10000 }).catch(() => {});
    check('scenarios: the debrief opens its event stream',
      (await trainee.page.locator('#debrief').getAttribute('data-live')) === 'open',
      await trainee.page.locator('#debrief').getAttribute('data-live'));
    check('scenarios: with the stream open, the Refresh link steps aside',
      !(await trainee.page.locator('#refresh').isVisible()));
    await trainee.page.evaluate(() => { window.notReloaded = true; });

    // 3. Two classmates join on their phones and score.
    const scores = [{ 'calm-voice': 5, 'offers-choices': 3 }, { 'calm-voice': 3, 'offers-choices': 2 }];
    const comments = [`Kept a low steady voice ${process.pid}.`, undefined];
    for (let i = 0; i < 2; i++) {
      const c = await phone(browser, problems, `classmate ${i + 1}`);
      await signIn(c.page, base, s.classmates[i]);
      await joinWith(c.page, base, code);
      check(`scenarios: classmate ${i + 1} joins with the code and lands on the score page`,
        /\/runs\/\d+\/score$/.test(c.page.url()), c.page.url());
      await axe(c.page, `score page (classmate ${i + 1}, phone)`);
      await fitsPhone(t, c.page, 'the score page');
      const box = await c.page.locator('label[for="s-calm-voice-3"]').boundingBox();
      check('scenarios: each score is a tap target of at least 44 px', box && box.width >= 44 && box.height >= 44,
        JSON.stringify(box));
      if (i === 0) await shot(c.page, 'scenarios-score-phone');
      await score(c.page, scores[i], comments[i]);
      check(`scenarios: classmate ${i + 1}'s feedback is saved`, /feedback is saved/i.test(await mainText(c.page)),
        (await mainText(c.page)).slice(0, 300));
      if (i === 0) {
        // The first comment reaches the trainee's debrief without a reload.
        const arrived = await trainee.page.locator('#comments li', { hasText: comments[0] })
          .waitFor({ timeout: 10000 }).then(() => true, () => false);
        check('scenarios: a classmate\'s comment appears on the debrief live', arrived,
          await mainText(trainee.page));
        const who = arrived ? await trainee.page.locator('#comments li .who').first().innerText() : '';
        check('scenarios: the trainee sees the comment without the classmate\'s name',
          arrived && !who.includes(s.classmates[0].name), who);
      }
      await c.ctx.close();
    }
    const mean = await trainee.page.locator('tr[data-skill="calm-voice"] .classmate')
      .filter({ hasText: '4.0' }).waitFor({ timeout: 10000 }).then(() => true, () => false);
    check('scenarios: the classmates\' mean (5 and 3 → 4.0) updates live',
      mean, await trainee.page.locator('tr[data-skill="calm-voice"]').innerText());
    check('scenarios: the debrief was never reloaded',
      await trainee.page.evaluate(() => window.notReloaded === true));
    await axe(trainee.page, 'debrief after live updates (trainee phone)');
    await fitsPhone(t, trainee.page, 'the debrief');
    await shot(trainee.page, 'scenarios-debrief-phone');

    // 4. The instructor scores, ends the scenario and closes the run.
    await page.goto(`${base}${runPath}/score`);
    await axe(page, 'score page (instructor)');
    await score(page, { 'calm-voice': 4, 'offers-choices': 3 }, 'Good pace; name the choices.');
    await page.goto(`${base}${runPath}`);
    await submit(page, /^end scenario$/i);
    check('scenarios: End scenario ends the role play', /ended/i.test(await page.locator('#run-status').innerText()),
      await page.locator('#run-status').innerText());
    await submit(page, /^close run$/i);
    const closed = await mainText(page);
    check('scenarios: Close run stores and shows the result', /Passed/.test(closed) && /closed/i.test(closed),
      closed.slice(0, 400));
    await axe(page, 'run console (closed)');
    const result = await trainee.page.locator('#run-result', { hasText: /pass/i })
      .waitFor({ timeout: 10000 }).then(() => true, () => false);
    check('scenarios: the result reaches the trainee\'s debrief live', result,
      await trainee.page.locator('#run-result').innerText().catch(() => ''));
    check('scenarios: the instructor\'s comment arrived too, named as an instructor',
      (await trainee.page.locator('#comments li.comment-instructor').count()) === 1,
      await trainee.page.locator('#comments').innerText().catch(() => ''));
    await axe(trainee.page, 'debrief closed (trainee phone)');

    // The course's matrix now has the trainee's skills and one passed run.
    await page.goto(courseRuns);
    const row = page.locator('main tr', { hasText: s.trainee.name }).last();
    const cells = await row.innerText().catch(() => '');
    check('scenarios: the course matrix shows the trainee\'s skills and runs passed',
      /4\.00/.test(cells) && /1 \/ \d/.test(cells), cells);
    await axe(page, 'course runs with a closed run');
    await shot(page, 'scenarios-course-runs');

    // 5. The trainee's history and trend.
    await trainee.page.goto(`${base}/me/runs`);
    const history = await mainText(trainee.page);
    check('scenarios: the trainee\'s history lists the run and the skill trend',
      history.includes(s.title) && /calm voice and pace/i.test(history), history.slice(0, 400));
    await axe(trainee.page, '/me/runs (trainee phone)');
    await fitsPhone(t, trainee.page, 'the run history');
    await shot(trainee.page, 'scenarios-history-phone');
    await trainee.ctx.close();
    check('scenarios: no console errors or CSP violations on the phones', problems.length === 0,
      problems.join(' | '));
    await debriefResumes(t, browser);
  } finally {
    await browser.close();
  }
}
