// A phishing URL from report to takedown, in Debian's headless Chromium against a real
// server: a citizen reports a defanged URL on a phone; an analyst finds the case, verifies
// it, adds the hosting provider's abuse contact by hand (RDAP is off without outside
// network), sends the notice (it lands as an .eml file in <data dir>/outbox/ when no SMTP
// host is set), and marks the URL taken down. The blocking-list feed
// (GET /api/v1/feeds/phishing.json with an API token made by `tocsin admin create-token`)
// lists the URL while it is live and drops it after the takedown. No page ever shows the
// URL live or as a link.
//
// Run: node --test tests/browser/phishing.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BINARY, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { sleep, visible, findDataDir, cli, decodeHeader, navTo } from './helpers.mjs';

const URL_REPORTED = 'hxxps://examp1e[.]com/login';
const URL_LIVE = 'https://examp1e.com/login';
const DEFANGED = 'hxxps://examp1e[.]com/login';
const BRAND = '範例銀行';
const CITIZEN = 'citizen@example.tw';
const ABUSE = 'abuse@hosting.example';
const ANALYST = { email: 'analyst@example.tw', name: '林分析師', password: 'Amber-Kite-6402' };
const SCREENSHOT = { name: 'sms.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG fake screenshot') };

/** A mail file: its headers (unfolded, decoded, lower-case names) and its text body. */
function readMail(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const headLines = text.slice(0, split).replace(/\n[ \t]+/g, ' ').split('\n');
  const headers = {};
  for (const l of headLines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = decodeHeader(l.slice(i + 1).trim());
  }
  let body = text.slice(split + 2);
  const encoding = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (encoding === 'base64') {
    body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  } else if (encoding === 'quoted-printable') {
    const joined = body.replace(/=\n/g, '');
    const bytes = [];
    for (let i = 0; i < joined.length; i++) {
      const hex = joined.slice(i + 1, i + 3);
      if (joined[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
      } else {
        bytes.push(...Buffer.from(joined[i], 'utf8'));
      }
    }
    body = Buffer.from(bytes).toString('utf8');
  }
  return { headers, body, raw };
}

/** Waits for a mail in <dataDir>/outbox/ that `match` accepts; returns it. */
async function waitForMail(dataDir, what, match) {
  const dir = path.join(dataDir, 'outbox');
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
        const mail = readMail(readFileSync(path.join(dir, f), 'utf8'));
        if (match(mail)) return { ...mail, file: f };
      }
    }
    await sleep(250);
  }
  assert.fail(`no mail (${what}) in ${dir} within ${TIMEOUT.navigation} ms`);
}

/** The page holds the URL only defanged: not live in its text, no link to it. */
async function onlyDefanged(page, where) {
  const html = (await page.content()).toLowerCase();
  assert.ok(!html.includes('examp1e.com'), `${where}: the phishing host appears live on ${page.url()}`);
  assert.equal(await page.locator('a[href*="examp1e" i]').count(), 0, `${where}: a link to the phishing site`);
  assert.ok((await page.content()).includes(DEFANGED), `${where}: the defanged URL is missing`);
}

describe('a phishing URL is reported, verified, notified, taken down and leaves the feed', { timeout: TIMEOUT.suite }, () => {
  const name = `phishing-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let citizen = null;
  let analyst = null;
  let current = null;
  let tracking = null;
  let statusLink = null;
  let apiToken = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'phishing' });

  /** The live feed's URLs, read with the analyst's API token. */
  async function feedUrls() {
    const res = await fetch(`${server.baseUrl}/api/v1/feeds/phishing.json`, {
      headers: { authorization: `Bearer ${apiToken}`, accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT.action),
    });
    assert.equal(res.status, 200, `the feed answered ${res.status}: ${await res.clone().text()}`);
    const entries = await res.json();
    assert.ok(Array.isArray(entries), `the feed is not a list: ${JSON.stringify(entries)}`);
    return entries.map((e) => e.url);
  }

  /** Changes the case's state on its desk page, with an evidence note. */
  async function transition(to, note) {
    const form = analyst.locator('#transition-form');
    await form.locator('select[name="to"]').selectOption(to);
    if (note) await form.locator('textarea[name="note"]').fill(note);
    const response = analyst.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/transition'));
    await analyst.click('#transition-submit');
    const res = await response;
    assert.equal(res.status(), 303, `changing to ${to} answered ${res.status()}`);
    await analyst.waitForLoadState('load');
  }

  const caseState = async () => (await analyst.locator('#case-state').innerText()).trim();

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', ANALYST.email, '--name', ANALYST.name, '--roles', 'analyst'], {
      TOCSIN_PASSWORD: ANALYST.password,
    });
    apiToken = (await cli(dataDir, ['create-token', '--email', ANALYST.email, '--name', 'blocklist'])).trim().split(/\s+/).pop();
    assert.ok(apiToken && apiToken.length > 20, `no token printed: ${apiToken}`);
    browser = await launchBrowser();
    const phone = await newContext(browser, { locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const laptop = await newContext(browser, { locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    citizen = await phone.newPage();
    analyst = await laptop.newPage();
    current = citizen;
  });

  after(async () => {
    await screenshot(current, 'phishing-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('a citizen reports a defanged URL and gets a tracking number', async () => {
    current = citizen;
    await citizen.goto(`${server.baseUrl}/`);
    await navTo(citizen, '#nav-report-phishing');
    await visible(citizen, '#phishing-form');
    assert.match(await citizen.locator('#phishing-form').innerText(), /hxxp/);
    await citizen.fill('textarea[name="urls"]', URL_REPORTED);
    await citizen.fill('input[name="brand"]', BRAND);
    await citizen.check('input[name="seen_in"][value="sms"]');
    await citizen.fill('textarea[name="original_message"]', `【${BRAND}】您的帳戶異常，請立即至 ${URL_LIVE} 驗證身分。`);
    await citizen.setInputFiles('input[name="attachments"]', SCREENSHOT);
    await citizen.fill('input[name="reporter_email"]', CITIZEN);
    await screenshot(citizen, 'phishing-1-form');
    await citizen.click('#phishing-submit');
    await visible(citizen, '#tracking-id', 'the tracking number');
    tracking = (await citizen.locator('#tracking-id').innerText()).trim();
    assert.match(tracking, /^PHI-\d{4}-\d{6}$/);
    statusLink = await citizen.locator('#status-link').getAttribute('href');
    assert.ok(statusLink.includes(`/status/${tracking}?token=`), `status link ${statusLink}`);
    await onlyDefanged(citizen, 'the receipt');
    await screenshot(citizen, 'phishing-2-receipt');
  });

  step('the acknowledgment names the URL defanged, and the status page shows it received', async () => {
    const ack = await waitForMail(dataDir, 'the acknowledgment', (m) => (m.headers.to || '').includes(CITIZEN));
    assert.ok(ack.headers.subject.includes(tracking), `subject: ${ack.headers.subject}`);
    assert.ok(ack.body.includes(DEFANGED) && !ack.body.toLowerCase().includes('examp1e.com'), ack.body);
    await citizen.goto(statusLink);
    assert.equal((await citizen.locator('#status-tracking').innerText()).trim(), tracking);
    assert.equal((await citizen.locator('#phishing-brand').innerText()).trim(), BRAND);
    assert.match(await citizen.locator('#phishing-urls').innerText(), /已接收/);
    await onlyDefanged(citizen, 'the status page');
    await screenshot(citizen, 'phishing-3-status');
  });

  step('the analyst finds the case on the desk; it is not in the feed yet', async () => {
    current = analyst;
    await analyst.goto(`${server.baseUrl}/login`);
    await analyst.fill('input[name="email"]', ANALYST.email);
    await analyst.fill('input[name="password"]', ANALYST.password);
    await analyst.click('#login-submit');
    await navTo(analyst, '#nav-phishing');
    const row = analyst.locator('#cases tr', { hasText: tracking });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`${tracking} is not in #cases`));
    assert.match(await row.innerText(), new RegExp(BRAND));
    await onlyDefanged(analyst, 'the case list');
    await screenshot(analyst, 'phishing-4-cases');
    await row.locator('a').first().click();
    await visible(analyst, '#transition-form');
    assert.equal(await caseState(), '已接收');
    await onlyDefanged(analyst, 'the case page');
    assert.ok(!(await feedUrls()).includes(URL_LIVE), 'a received URL is not in the feed');
  });

  step('the analyst verifies it with evidence; the feed lists it', async () => {
    const offered = [];
    for (const o of await analyst.locator('#transition-form select[name="to"] option').all()) offered.push(await o.getAttribute('value'));
    assert.deepEqual(offered.filter(Boolean).sort(), ['duplicate', 'false_positive', 'verified']);
    await transition('verified', '頁面標題「範例銀行網路銀行登入」，要求輸入帳號密碼與 OTP。');
    assert.equal(await caseState(), '已確認');
    assert.ok((await feedUrls()).includes(URL_LIVE), 'a verified URL is in the feed');
  });

  step('RDAP is off here, so the analyst adds the hosting provider by hand', async () => {
    await visible(analyst, '#rdap-off', 'the notice that RDAP is off');
    assert.ok(await analyst.locator('#rdap-submit').isDisabled());
    await analyst.selectOption('#contact-form select[name="role"]', 'hosting');
    await analyst.fill('#contact-form input[name="email"]', ABUSE);
    await analyst.click('#contact-submit');
    await analyst.waitForLoadState('load');
    assert.match(await analyst.locator('#contact-list').innerText(), new RegExp(ABUSE.replace('.', '\\.')));
  });

  step('the analyst sends the notice; it lands in the outbox with the tracking number, defanged', async () => {
    const text = await analyst.locator('#notify-form textarea[name="body"]').inputValue();
    assert.ok(text.includes(DEFANGED) && text.includes(tracking), `the notice template: ${text}`);
    await screenshot(analyst, 'phishing-5-case-verified');
    await analyst.click('#notify-submit');
    await analyst.waitForLoadState('load');
    assert.equal(await caseState(), '已通知業者');
    const notice = await waitForMail(dataDir, 'the notice', (m) => (m.headers.to || '').includes(ABUSE));
    assert.ok(notice.headers.subject.includes(`[${tracking}]`), `subject: ${notice.headers.subject}`);
    assert.ok(notice.body.includes(DEFANGED), notice.body);
    assert.ok(!notice.raw.toLowerCase().includes('examp1e.com') && !notice.body.toLowerCase().includes('examp1e.com'), 'a live URL in the notice');
    assert.ok((await feedUrls()).includes(URL_LIVE), 'a notified URL is still live');
  });

  step('the analyst marks it taken down; it leaves the feed', async () => {
    await transition('taken_down', '已無法連線（HTTP 404）。');
    assert.equal(await caseState(), '已下架');
    const history = await analyst.locator('#history').innerText();
    assert.ok(history.includes('已通知業者 → 已下架') && history.includes(ABUSE), history);
    await onlyDefanged(analyst, 'the case page after the takedown');
    await screenshot(analyst, 'phishing-6-case-taken-down');
    assert.ok(!(await feedUrls()).includes(URL_LIVE), 'a taken-down URL left the feed');
  });

  step('the citizen sees the URL taken down, and none of the desk notes', async () => {
    current = citizen;
    await citizen.goto(statusLink);
    const urls = await citizen.locator('#phishing-urls').innerText();
    assert.match(urls, /已下架/);
    const page = await citizen.locator('main').innerText();
    assert.ok(!page.includes('OTP') && !page.includes(ABUSE), 'desk notes reached the status page');
    await onlyDefanged(citizen, 'the status page at the end');
    await screenshot(citizen, 'phishing-7-status-taken-down');
  });
});
