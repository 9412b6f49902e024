// Virus Check on a phone: "upload on a phone, see the verdict", in Debian's headless
// Chromium at 390 px against a real server with a real clamd (Debian's clamav-daemon, with
// the repository's tiny signature database, tests/clamav), in zh-TW. With JavaScript OFF a
// clean file is uploaded from the front door's link and the analysis page refreshes itself
// (a meta refresh) until it shows "no threat detected"; with JavaScript ON the EICAR test
// file is uploaded and the page shows ClamAV's detection. Both pages fit the width. Then a
// member of staff on the same phone finds the detection among the month's top on
// /desk/virus-check and makes an intel draft of the analysis.
//
// Run: node --test tests/browser/virus.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { REPO_ROOT, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { cli, findDataDir, fitsWidth, signIn, sleep, visible } from './helpers.mjs';

const STAFF = { email: 'desk@cert.example.tw', name: '陳值班', password: 'Amber-Lantern-7731' };

/** The EICAR test file, built from two halves so this source is not itself flagged. */
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDA' + 'RD-ANTIVIRUS-TEST-FILE!$H+H*';

/** Answers true once clamd at `socket` says PONG. */
function pings(socket) {
  return new Promise((resolve) => {
    const c = net.createConnection(socket);
    let got = '';
    c.on('connect', () => c.write('zPING\0'));
    c.on('data', (d) => {
      got += d.toString();
      if (got.startsWith('PONG')) {
        c.destroy();
        resolve(true);
      }
    });
    c.on('error', () => resolve(false));
    c.setTimeout(2000, () => {
      c.destroy();
      resolve(false);
    });
  });
}

/** A clamd of our own on a Unix socket with the repository's signatures. */
async function startClamd() {
  const bin = ['/usr/sbin/clamd', 'clamd'].find((b) => spawnSync(b, ['--version']).status === 0);
  if (!bin) throw new Error('clamd is missing: apt-get install clamav-daemon (scripts/test does)');
  const dir = mkdtempSync(path.join(tmpdir(), 'tocsin-browser-clamd-'));
  const socket = path.join(dir, 'clamd.sock');
  const conf = path.join(dir, 'clamd.conf');
  writeFileSync(
    conf,
    `DatabaseDirectory ${path.join(REPO_ROOT, 'tests', 'clamav')}\nLocalSocket ${socket}\nForeground yes\n` +
      `TemporaryDirectory ${dir}\nLogFile ${path.join(dir, 'clamd.log')}\n`,
  );
  // Under the suite's faked hours (libfaketime preloaded) clamd runs on the real clock:
  // its time decides nothing here.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')),
  );
  const child = spawn(bin, ['-c', conf], { stdio: 'ignore', env });
  const deadline = Date.now() + 60_000;
  while (!(await pings(socket))) {
    if (Date.now() > deadline) throw new Error('clamd did not start');
    await sleep(200);
  }
  return {
    address: `unix:${socket}`,
    stop: () => {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until the analysis page shows its verdict (it refreshes itself until then). */
async function verdictOf(page) {
  await page.locator('#virus-verdict').waitFor({ state: 'visible', timeout: TIMEOUT.navigation });
  return page.locator('#virus-verdict');
}

describe('on a 390 px phone, a file is uploaded and its verdict seen, with JavaScript off and on', { timeout: TIMEOUT.suite }, () => {
  let clamd = null;
  let server = null;
  let browser = null;
  let current = null;
  let dataDir = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'virus' });
  const files = mkdtempSync(path.join(tmpdir(), 'tocsin-browser-virus-files-'));

  before(async () => {
    clamd = await startClamd();
    process.env.TOCSIN_VIRUS_CHECK_CLAMD = clamd.address;
    const name = `virus-${process.pid}`;
    server = await startServer({ name });
    dataDir = findDataDir(name);
    delete process.env.TOCSIN_VIRUS_CHECK_CLAMD;
    browser = await launchBrowser();
  });

  after(async () => {
    await screenshot(current, 'virus-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
    clamd?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  step('without JavaScript, a clean file is uploaded from the front door and found clean', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    current = page;
    await page.goto(`${server.baseUrl}/`);
    await page.click('#front-virus-check');
    await visible(page, '#virus-form');
    await fitsWidth(page, 'the upload form at 390 px');
    const clean = path.join(files, '會議紀錄.txt');
    writeFileSync(clean, `meeting notes, nothing to see ${process.pid}\n`);
    await page.setInputFiles('#virus-file', clean);
    await page.fill('#virus-note', '同事寄來的附件');
    await page.click('#virus-submit');
    await page.waitForURL(/\/virus-check\/[0-9a-f-]{36}$/);
    const verdict = await verdictOf(page);
    assert.match(await verdict.innerText(), /未偵測到威脅/);
    assert.equal(await verdict.getAttribute('class'), 'verdict verdict-undetected');
    const clam = page.locator('.virus-result[data-engine="ClamAV"]');
    assert.equal(await clam.getAttribute('data-category'), 'undetected');
    assert.match(await page.locator('#virus-file-details').innerText(), /會議紀錄\.txt/);
    await fitsWidth(page, 'the verdict at 390 px');
    await ctx.close();
  });

  step('with JavaScript, the EICAR test file is found malicious by ClamAV', async () => {
    const ctx = await newContext(browser, { javaScriptEnabled: true, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    current = page;
    await page.goto(`${server.baseUrl}/virus-check`);
    const eicar = path.join(files, 'invoice.com');
    writeFileSync(eicar, EICAR);
    await page.setInputFiles('#virus-file', eicar);
    await page.click('#virus-submit');
    await page.waitForURL(/\/virus-check\/[0-9a-f-]{36}$/);
    const verdict = await verdictOf(page);
    assert.match(await verdict.innerText(), /惡意/);
    const clam = page.locator('.virus-result[data-engine="ClamAV"]');
    assert.equal(await clam.getAttribute('data-category'), 'malicious');
    assert.match(await clam.innerText(), /Eicar-Signature/);
    await fitsWidth(page, 'the malicious verdict at 390 px');
    await ctx.close();
  });

  step('on the desk, the detection is among the month\'s top and becomes an intel draft', async () => {
    await cli(dataDir, ['create-user', '--email', STAFF.email, '--name', STAFF.name, '--roles', 'analyst'], { TOCSIN_PASSWORD: STAFF.password });
    const ctx = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    current = page;
    await signIn(page, server.baseUrl, STAFF);
    await page.goto(`${server.baseUrl}/desk/virus-check`);
    assert.match(await page.locator('#virus-desk-top').innerText(), /Eicar-Signature\.UNOFFICIAL/);
    await fitsWidth(page, 'the desk\'s page at 390 px');
    const item = page.locator('.virus-desk-analysis', { hasText: 'invoice.com' });
    await item.locator('summary').click();
    await item.locator('select[name="tlp"]').selectOption('amber');
    await item.locator('form[action$="/intel"] button').click();
    await page.waitForURL(/\/intel\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('main').innerText(), /SHA-256 [0-9a-f]{64}/);
    await ctx.close();
  });
});
