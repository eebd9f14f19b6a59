// tests/browser/run.mjs: the browser test. playwright-core drives Debian's
// chromium (headless) through a real sign-in on a fresh demo database:
// log in, enrol TOTP from the secret shown on the page, log out, log in
// again with a code; then the training walk (training.mjs) and a live
// scenario run (scenarios.mjs); axe-core checks
// every page visited and any serious or critical violation fails. Ends
// with "N passed, N failed".
//
// Environment: CITKIT_BIN (default build/citkit), CITKIT_BROWSER_WORK (a
// scratch folder; default a new one under /tmp), CITKIT_SCREENSHOT (also
// save the dashboard there, for docs/screenshot.png).
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scenariosWalk } from './scenarios.mjs';
import { trainingWalk } from './training.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const bin = process.env.CITKIT_BIN || join(root, 'build/citkit');
const work = process.env.CITKIT_BROWSER_WORK || mkdtempSync('/tmp/citkit-browser.');
const out = join(here, 'out');
mkdirSync(work, { recursive: true });
mkdirSync(out, { recursive: true });

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok ${name}`);
  } else {
    failed++;
    console.log(`not ok ${name}${detail ? ': ' + detail : ''}`);
  }
  return ok;
}

// RFC 6238 TOTP, 30 s steps, 6 digits, HMAC-SHA1, from a base32 secret.
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const bytes = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const n = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(n).padStart(6, '0');
}
const stepNow = () => Math.floor(Date.now() / 1000 / 30);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function cli(args, input) {
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`citkit ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function startServer(db) {
  return new Promise((res, rej) => {
    const p = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let seen = '';
    p.stderr.on('data', () => {});
    p.stdout.on('data', (d) => {
      seen += d;
      const m = seen.match(/ at (http:\/\/[^\s]+)/);
      if (m) res({ proc: p, base: m[1].replace(/\/$/, '') });
    });
    p.on('exit', (code) => rej(new Error(`citkit serve exited ${code} before serving`)));
    // A server that never says where it listens is a failure, not a hang.
    setTimeout(() => rej(new Error('citkit serve printed no address in 60 s')), 60000).unref();
  });
}

async function axe(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const detail = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
    .join('; ');
  check(`axe ${name}: no serious or critical violation`, bad.length === 0, detail);
}

async function shot(page, name) {
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
}

async function main() {
  const db = join(work, 'citkit.db');
  rmSync(db, { force: true });
  cli(['init', '--db', db]);
  cli(['demo', '--db', db]);
  const email = `browser.${process.pid}@suite.example`;
  const password = 'Tidal-Compass-Orchard-Beacon-9';
  cli(['user', 'add', '--db', db, '--email', email, '--name', 'Avery Browser',
    '--org', '1', '--role', 'officer', '--password-stdin'], `${password}\n`);

  const coordEmail = `browser.coord.${process.pid}@suite.example`;
  cli(['user', 'add', '--db', db, '--email', coordEmail, '--name', 'Morgan Coordinator',
    '--org', '1', '--role', 'coordinator', '--password-stdin'], `${password}\n`);

  const server = await startServer(db);
  const base = server.base;
  const profile = mkdtempSync(join(work, 'profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
  });
  const page = ctx.pages()[0] || (await ctx.newPage());
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));

  try {
    // 1. Sign in with the password.
    await page.goto(`${base}/login`);
    check('login page loads', (await page.title()).length > 0);
    await axe(page, 'login');
    await shot(page, 'login');
    await page.getByLabel(/^e-?mail/i).fill(email);
    await page.getByLabel(/^password/i).fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign in|log in/i }).click()]);
    check('password sign-in lands on the dashboard', new URL(page.url()).pathname === '/', page.url());
    await axe(page, 'dashboard');
    await shot(page, 'dashboard');

    // 2. Enrol TOTP from the secret shown as text.
    await page.goto(`${base}/account/totp`);
    await axe(page, 'account/totp');
    await shot(page, 'totp-enrol');
    const text = await page.locator('main').innerText();
    const m = text.match(/\b([A-Z2-7]{4}(?: ?[A-Z2-7]{4}){3,})\b/);
    check('the TOTP secret is shown as text', !!m, text.slice(0, 300));
    const secret = m ? m[1].replace(/ /g, '') : '';
    let lastStep = stepNow();
    await page.getByRole('textbox', { name: /code/i }).fill(totp(secret, lastStep));
    await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').first().click()]);
    await axe(page, 'after enrolment');
    // Enrolled: the page no longer offers a key to enrol.
    await page.goto(`${base}/account/totp`);
    check('TOTP enrolment accepted',
      (await page.getByRole('textbox', { name: /code/i }).count()) === 0, page.url());
    await axe(page, 'account/totp when enrolled');

    // 3. Log out.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /log ?out|sign ?out/i }).click()]);
    await page.goto(`${base}/`);
    check('after logout the dashboard asks to sign in', new URL(page.url()).pathname === '/login', page.url());

    // 4. Sign in again: password, then a fresh code.
    await page.getByLabel(/^e-?mail/i).fill(email);
    await page.getByLabel(/^password/i).fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign in|log in/i }).click()]);
    check('the password asks for a code now', new URL(page.url()).pathname === '/login/totp', page.url());
    await axe(page, 'login/totp');
    await shot(page, 'login-totp');
    while (stepNow() <= lastStep) await sleep(250);   // each code is accepted once
    lastStep = stepNow();
    await page.getByRole('textbox', { name: /code/i }).fill(totp(secret, lastStep));
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /verify|sign in|log in|continue/i }).click()]);
    check('the code signs in to the dashboard', new URL(page.url()).pathname === '/', page.url());

    // 5. The account pages, for axe.
    for (const p of ['/account', '/account/sessions', '/account/tokens']) {
      await page.goto(`${base}${p}`);
      await axe(page, p);
    }

    // 6. A coordinator: the role must use a second factor, so the first
    //    sign-in goes through enrolment; then the management pages.
    await ctx.clearCookies();
    await page.goto(`${base}/login`);
    await page.getByLabel(/^e-?mail/i).fill(coordEmail);
    await page.getByLabel(/^password/i).fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /sign in|log in/i }).click()]);
    await page.goto(`${base}/`);
    check('a coordinator without a second factor is sent to enrol',
      new URL(page.url()).pathname === '/account/totp', page.url());
    const ctext = await page.locator('main').innerText();
    const cm = ctext.match(/\b([A-Z2-7]{4}(?: ?[A-Z2-7]{4}){3,})\b/);
    const csecret = cm ? cm[1].replace(/ /g, '') : '';
    await page.getByRole('textbox', { name: /code/i }).fill(totp(csecret, stepNow()));
    await Promise.all([page.waitForNavigation(), page.locator('main form button[type=submit]').first().click()]);
    await page.goto(`${base}/`);
    check('after enrolment the coordinator reaches the dashboard', new URL(page.url()).pathname === '/', page.url());
    await axe(page, 'coordinator dashboard');
    await shot(page, 'dashboard-coordinator');
    if (process.env.CITKIT_SCREENSHOT) {
      copyFileSync(join(out, 'dashboard-coordinator.png'), process.env.CITKIT_SCREENSHOT);
    }
    for (const p of ['/orgs', '/orgs/new', '/orgs/1', '/users', '/users/new', '/users/import']) {
      await page.goto(`${base}${p}`);
      await axe(page, p);
      await shot(page, p.slice(1).replace(/\//g, '-'));
    }

    // The scenario library (the coordinator edits it and reads the
    // role-player briefs): the starter library that init loads.
    for (const p of ['/scenarios', '/scenarios/1', '/scenarios/new', '/scenarios/1/edit',
      '/scenarios/import', '/rubrics', '/rubrics/1', '/rubrics/new']) {
      await page.goto(`${base}${p}`);
      await axe(page, p);
    }

    // 7. Training (training.mjs): an instructor and an officer.
    await trainingWalk({ page, ctx, base, db, check, axe, shot });

    // 8. A live scenario run (scenarios.mjs): instructor, trainee and two
    //    classmates, each in their own browser context.
    await scenariosWalk({ page, ctx, base, db, check, axe, shot, cli });
    check('no console errors or CSP violations', problems.length === 0, problems.join(' | '));
  } catch (e) {
    check('browser flow ran to the end', false, e.message.split('\n')[0]);
    await shot(page, 'failure').catch(() => {});
  } finally {
    await ctx.close();
    server.proc.kill('SIGTERM');
    if (!process.env.CITKIT_BROWSER_WORK) rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((e) => check('browser test set-up', false, e.message.split('\n')[0]))
  .finally(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
  });
