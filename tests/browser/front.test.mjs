// The front door and post/redirect/get, in Debian's headless Chromium against a real server
// with JavaScript DISABLED, in zh-TW, on a 390 px phone and a 1280 px laptop: the home page
// offers the three ways to report, the look-up and the other channels and fits both widths;
// from it a reporter files an incident, lands on a receipt (a GET after the POST's 303),
// reloads it (nothing is filed twice: still one acknowledgment) and reaches the status
// page through the home page's look-up; adding information there and reloading adds it
// once. The vulnerability (with the seed's CVSS mismatches shown on the receipt) and
// phishing receipts reload the same way.
//
// Screenshots of the front door at both widths go to $TOCSIN_SCREENSHOTS (e.g.
// docs/screenshots) when it is set, so an ordinary run leaves the tree clean.
//
// Run: node --test tests/browser/front.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { REPO_ROOT, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { fitsWidth, findDataDir, sleep, visible } from './helpers.mjs';

const SEED = readFileSync(path.join(REPO_ROOT, 'crates', 'tocsin-formats', 'tests', 'data', 'vuln-seed-example.txt'));
const ADDED = '補充：攻擊來源為 198.51.100.7';

/** The acknowledgments in <dataDir>/outbox/ whose raw text names `tracking`. */
function acks(dataDir, tracking) {
  const dir = path.join(dataDir, 'outbox');
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .filter((f) => readFileSync(path.join(dir, f), 'utf8').includes(tracking)).length;
}

/** Waits until `tracking` has `n` acknowledgments, then a little longer to see no more come. */
async function exactlyAcks(dataDir, tracking, n) {
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline && acks(dataDir, tracking) < n) await sleep(250);
  await sleep(1500);
  assert.equal(acks(dataDir, tracking), n, `${tracking}: acknowledgments`);
}

/** Reloads the page: a GET (never the form's POST again) answered 200. */
async function reloadIsAGet(page, what) {
  const res = await page.reload();
  assert.equal(res.request().method(), 'GET', `${what}: the reload is a GET`);
  assert.equal(res.status(), 200, `${what}: the reload answers 200`);
}

/** Submits a form by clicking `button`: the POST answers 303 and the browser GETs `to`. */
async function postRedirectGet(page, button, to) {
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.click(button);
  const res = await posted;
  assert.equal(res.status(), 303, `the POST to ${res.url()} answers 303`);
  await page.waitForLoadState('load');
  assert.match(new URL(page.url()).pathname, to);
}

/** A screenshot of the front door for the docs, when asked for. */
async function docsShot(page, width) {
  const dir = process.env.TOCSIN_SCREENSHOTS;
  if (!dir) return;
  const out = path.resolve(REPO_ROOT, dir);
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, `front-door-${width}.png`), fullPage: true });
}

describe('without JavaScript, the front door leads to a filed report and its status, and reloads file nothing twice', { timeout: TIMEOUT.suite }, () => {
  const name = `front-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let phone = null;
  let laptop = null;
  let current = null;
  let tracking = null;
  let statusLink = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'front' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    browser = await launchBrowser();
    const small = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const wide = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    phone = await small.newPage();
    laptop = await wide.newPage();
    current = phone;
  });

  after(async () => {
    await screenshot(current, 'front-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the front door offers the three ways to report, the look-up and the channels at 390 and 1280 px', async () => {
    for (const [page, width] of [[phone, 390], [laptop, 1280]]) {
      current = page;
      await page.goto(`${server.baseUrl}/`);
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-TW');
      for (const id of ['#front-incident', '#front-vulnerability', '#front-phishing', '#lookup-form', '#front-channels', '#front-advisories', '#front-privacy-link', '#front-login']) {
        await visible(page, id);
      }
      assert.match(await page.locator('#front-channels').innerText(), /\+886-2-0000-0000/);
      await fitsWidth(page, `the front door at ${width} px`);
      await docsShot(page, width);
    }
  });

  step('from the front door a reporter files an incident and lands on a receipt', async () => {
    current = phone;
    await phone.click('#front-incident');
    await visible(phone, '#incident-form');
    await visible(phone, '#incident-sign-in', 'the note on signing in');
    await phone.fill('input[name="reporter_name"]', '範例科技股份有限公司');
    await phone.fill('input[name="email"]', 'soc@example.com.tw');
    await phone.fill('input[name="discovered_at"]', '2026-01-05T09:15');
    await phone.check('input[name="incident_type"][value="web_attack"]');
    await phone.fill('textarea[name="description"]', '官網首頁遭到置換。');
    await phone.check('input[name="needs_support"][value="false"]');
    await postRedirectGet(phone, '#incident-submit', /^\/report\/receipt\/INC-/);
    tracking = (await phone.locator('#tracking-id').innerText()).trim();
    assert.match(tracking, /^INC-\d{4}-\d{6}$/);
    statusLink = await phone.locator('#status-link').getAttribute('href');
    await fitsWidth(phone, 'the receipt at 390 px');
  });

  step('reloading the incident receipt files nothing twice', async () => {
    await reloadIsAGet(phone, 'the incident receipt');
    await reloadIsAGet(phone, 'the incident receipt');
    assert.equal((await phone.locator('#tracking-id').innerText()).trim(), tracking);
    await exactlyAcks(dataDir, tracking, 1);
  });

  step('the front door look-up leads to the status page', async () => {
    const token = new URL(statusLink).searchParams.get('token');
    await phone.goto(`${server.baseUrl}/`);
    await phone.fill('#f-lookup-tracking', tracking);
    await phone.fill('#f-lookup-token', token);
    await phone.click('#lookup-submit');
    await phone.waitForLoadState('load');
    assert.equal(new URL(phone.url()).pathname, `/status/${tracking}`);
    await visible(phone, '#add-form', 'the status page');
    // A wrong code is the same 404 as an unknown number.
    await phone.goto(`${server.baseUrl}/`);
    await phone.fill('#f-lookup-tracking', tracking);
    await phone.fill('#f-lookup-token', 'not-the-code');
    const wrong = phone.waitForResponse((r) => r.url().includes(`/status/${tracking}?token=not-the-code`));
    await phone.click('#lookup-submit');
    assert.equal((await wrong).status(), 404);
  });

  step('adding information on the status page and reloading adds it once', async () => {
    await phone.goto(statusLink);
    await phone.fill('#f-body', ADDED);
    await postRedirectGet(phone, '#add-submit', new RegExp(`^/status/${tracking}$`));
    await reloadIsAGet(phone, 'the status page after adding');
    const text = await phone.locator('main').innerText();
    assert.equal(text.split(ADDED).length - 1, 1, 'the addition shows once');
  });

  step('the vulnerability receipt shows the CVSS warnings and reloads without filing again', async () => {
    current = laptop;
    await laptop.goto(`${server.baseUrl}/`);
    await laptop.click('#front-vulnerability');
    await visible(laptop, '#vuln-form');
    await laptop.setInputFiles('input[name="txt"]', { name: 'report.txt', mimeType: 'text/plain', buffer: SEED });
    await postRedirectGet(laptop, '#vuln-submit', /^\/report\/receipt\/VUL-/);
    const vul = (await laptop.locator('#tracking-id').innerText()).trim();
    const warnings = await laptop.locator('#receipt-cvss-warnings').innerText();
    assert.match(warnings, /7\.5 ≠ 7\.6/);
    assert.match(warnings, /3\.1 ≠ 3\.0/);
    await reloadIsAGet(laptop, 'the vulnerability receipt');
    assert.equal((await laptop.locator('#tracking-id').innerText()).trim(), vul);
    await exactlyAcks(dataDir, vul, 1);
  });

  step('the phishing receipt reloads without filing again', async () => {
    await laptop.goto(`${server.baseUrl}/`);
    await laptop.click('#front-phishing');
    await visible(laptop, '#phishing-form');
    await laptop.fill('textarea[name="urls"]', 'hxxps://bank-login.example[.]net/verify');
    await laptop.fill('input[name="brand"]', '範例銀行');
    await laptop.check('input[name="seen_in"][value="sms"]');
    await laptop.fill('input[name="reporter_email"]', 'citizen@example.tw');
    await postRedirectGet(laptop, '#phishing-submit', /^\/report\/receipt\/PHI-/);
    const phi = (await laptop.locator('#tracking-id').innerText()).trim();
    await reloadIsAGet(laptop, 'the phishing receipt');
    assert.equal((await laptop.locator('#tracking-id').innerText()).trim(), phi);
    await exactlyAcks(dataDir, phi, 1);
  });
});
