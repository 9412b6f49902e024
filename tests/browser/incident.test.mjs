// An incident report from start to end, in Debian's headless Chromium against a real server,
// with JavaScript DISABLED throughout (every form is a plain POST): a company files a report
// in zh-TW with a file, keeps the tracking number and the private status link, opens it; an
// analyst triages, messages the reporter, resolves and closes; the reporter reads the update
// and answers the satisfaction survey mailed to them (taken from the .eml file the server
// writes when no SMTP host is set).
//
// Run: node --test tests/browser/incident.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BINARY, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { sleep, visible, findDataDir, deskDateTime, navTo } from './helpers.mjs';

const REPORTER = {
  name: '範例科技股份有限公司',
  phone: '02-2345-6789',
  email: 'soc@example.com.tw',
  description: '官網首頁遭到置換，並發現可疑的網頁後門程式。<script>alert(1)</script>',
};
const ANALYST = { email: 'analyst@example.tw', name: '陳分析師', password: 'Quiet-Falcon-5821' };
const MESSAGE = '已收到您的記錄檔，請協助提供網站伺服器的存取紀錄。';
const FILE = { name: 'firewall.log', mimeType: 'text/plain', buffer: Buffer.from('2026-11-28 09:12 DENY 203.0.113.7\n') };

/** `tocsin admin create-user` on the server's SQLite database (the server keeps running). */
function createAnalyst(dataDir) {
  return new Promise((resolve, reject) => {
    execFile(
      BINARY,
      [
        'admin',
        'create-user',
        '--database',
        `sqlite:${path.join(dataDir, 'tocsin.db')}`,
        '--email',
        ANALYST.email,
        '--name',
        ANALYST.name,
        '--roles',
        'analyst',
      ],
      { env: { ...process.env, TOCSIN_PASSWORD: ANALYST.password }, timeout: TIMEOUT.action },
      (err, stdout, stderr) => (err ? reject(new Error(`create-user failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** The text of a mail, its transfer encoding (base64 or quoted-printable) undone. */
function mailText(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.indexOf('\n\n');
  const head = text.slice(0, split).toLowerCase();
  const body = text.slice(split + 2);
  if (/content-transfer-encoding:\s*base64/.test(head)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  if (/content-transfer-encoding:\s*quoted-printable/.test(head)) {
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
    return Buffer.from(bytes).toString('utf8');
  }
  return body;
}

/** Waits for a mail in <dataDir>/outbox/ whose text matches `re`; returns the match. */
async function waitForMail(dataDir, re) {
  const dir = path.join(dataDir, 'outbox');
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
        const m = mailText(readFileSync(path.join(dir, f), 'utf8')).match(re);
        if (m) return m;
      }
    }
    await sleep(250);
  }
  assert.fail(`no mail matching ${re} in ${dir} within ${TIMEOUT.navigation} ms`);
}

/** The desk's date-time a day ago, as a datetime-local input in Taipei takes it. */
function yesterday() {
  return deskDateTime(Date.now() - 24 * 3600 * 1000);
}

/** Changes the report's state on the desk page; `selects` and `texts` fill the extras. */
async function transition(page, to, { selects = {}, texts = {} } = {}) {
  const form = page.locator('#transition-form');
  await form.locator('select[name="to"]').selectOption(to);
  for (const [name, value] of Object.entries(selects)) await form.locator(`select[name="${name}"]`).selectOption(value);
  for (const [name, value] of Object.entries(texts)) await form.locator(`[name="${name}"]`).fill(value);
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/transition'));
  await page.click('#transition-submit');
  const res = await response;
  assert.equal(res.status(), 303, `changing to ${to} answered ${res.status()}`);
  await page.waitForLoadState('load');
}

describe('without JavaScript, an incident is reported, handled, closed and rated', { timeout: TIMEOUT.suite }, () => {
  const name = `incident-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let reporter = null;
  let analyst = null;
  let current = null;
  let tracking = null;
  let statusLink = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'incident' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    await createAnalyst(dataDir);
    browser = await launchBrowser();
    // A phone in Taiwan, and the desk's laptop; neither runs JavaScript.
    const phone = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const laptop = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    reporter = await phone.newPage();
    analyst = await laptop.newPage();
    current = reporter;
  });

  after(async () => {
    await screenshot(current, 'incident-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the reporter files the form in zh-TW and gets a tracking number and a status link', async () => {
    current = reporter;
    await reporter.goto(`${server.baseUrl}/`);
    await navTo(reporter, '#nav-report');
    await visible(reporter, '#incident-form');
    assert.equal(await reporter.locator('html').getAttribute('lang'), 'zh-TW');
    assert.match(await reporter.locator('#incident-form').innerText(), /單位名稱或通報者/);
    await reporter.fill('input[name="reporter_name"]', REPORTER.name);
    await reporter.fill('input[name="phone"]', REPORTER.phone);
    await reporter.fill('input[name="email"]', REPORTER.email);
    await reporter.fill('input[name="discovered_at"]', yesterday());
    await reporter.selectOption('select[name="time_zone"]', 'Asia/Taipei');
    await reporter.check('input[name="incident_type"][value="web_attack"]');
    await reporter.fill('textarea[name="description"]', REPORTER.description);
    await reporter.check('input[name="needs_support"][value="true"]');
    await reporter.fill('textarea[name="support_requested"]', '協助分析網頁後門');
    await reporter.setInputFiles('input[name="attachments"]', FILE);
    await screenshot(reporter, 'incident-1-form');
    await reporter.click('#incident-submit');
    await visible(reporter, '#tracking-id', 'the tracking number');
    tracking = (await reporter.locator('#tracking-id').innerText()).trim();
    assert.match(tracking, /^INC-\d{4}-\d{6}$/);
    statusLink = await reporter.locator('#status-link').getAttribute('href');
    assert.ok(statusLink.includes(`/status/${tracking}?token=`), `status link ${statusLink}`);
    // The payload shows as text.
    assert.match(await reporter.locator('#report-description').innerText(), /<script>alert\(1\)<\/script>/);
    await screenshot(reporter, 'incident-2-receipt');
  });

  step('the acknowledgment mail carries the tracking number and the same status link', async () => {
    const m = await waitForMail(dataDir, new RegExp(`${tracking}[\\s\\S]*(https?://\\S+/status/${tracking}\\?token=[A-Za-z0-9_-]+)`));
    assert.equal(m[1], statusLink);
  });

  step('the status link shows the report, its state and the file', async () => {
    await reporter.goto(statusLink);
    assert.equal((await reporter.locator('#status-tracking').innerText()).trim(), tracking);
    assert.equal((await reporter.locator('#report-state').innerText()).trim(), '已收到');
    await visible(reporter, '#files a', 'the attachment link');
    assert.match(await reporter.locator('#files').innerText(), /firewall\.log/);
    await screenshot(reporter, 'incident-3-status');
  });

  step('the analyst signs in and finds the report in the desk queue', async () => {
    current = analyst;
    await analyst.goto(`${server.baseUrl}/login`);
    await analyst.fill('input[name="email"]', ANALYST.email);
    await analyst.fill('input[name="password"]', ANALYST.password);
    await analyst.click('#login-submit');
    await navTo(analyst, '#nav-desk');
    const row = analyst.locator('#queue tr', { hasText: tracking });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`${tracking} is not in #queue`));
    assert.match(await row.innerText(), new RegExp(REPORTER.name));
    await screenshot(analyst, 'incident-4-queue');
    await row.locator(`a[href="/desk/reports/${tracking}"]`).click();
    await visible(analyst, '#transition-form');
    assert.equal((await analyst.locator('#report-state').innerText()).trim(), '已收到');
  });

  step('an illegal change is not even offered; the analyst triages', async () => {
    const offered = [];
    for (const o of await analyst.locator('#transition-form select[name="to"] option').all()) offered.push(await o.getAttribute('value'));
    assert.deepEqual(offered.filter(Boolean).sort(), ['duplicate', 'rejected', 'triaged']);
    await transition(analyst, 'triaged');
    assert.equal((await analyst.locator('#report-state').innerText()).trim(), '已分類');
  });

  step('the analyst messages the reporter and keeps an internal note', async () => {
    await analyst.fill('#message-form textarea[name="body"]', MESSAGE);
    await analyst.click('#message-submit');
    await analyst.waitForLoadState('load');
    await analyst.fill('#note-form textarea[name="body"]', '內部：疑似 WebShell，與 INC 舊案手法相同');
    await analyst.click('#note-submit');
    await analyst.waitForLoadState('load');
    const history = await analyst.locator('#history').innerText();
    assert.ok(history.includes(MESSAGE) && history.includes('疑似 WebShell'), history);
  });

  step('the analyst moves it to in progress, resolves it and closes it', async () => {
    await transition(analyst, 'in_progress');
    await transition(analyst, 'resolved', { texts: { message: '後門已移除，請確認網站運作正常。' } });
    // The SOP checklist is still open: closing is refused until a reason is given.
    const form = analyst.locator('#transition-form');
    await form.locator('select[name="to"]').selectOption('closed');
    await form.locator('select[name="resolution"]').selectOption('resolved');
    await form.locator('select[name="outcome"]').selectOption('true_positive');
    const refused = analyst.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/transition'));
    await analyst.click('#transition-submit');
    assert.equal((await refused).status(), 422);
    await analyst.waitForLoadState('load');
    const why = await analyst.locator('#f-transition-close_anyway_reason-error').innerText();
    assert.match(why, /檢核清單尚有 \d+ 項工作未完成/, why);
    await transition(analyst, 'closed', {
      selects: { resolution: 'resolved', outcome: 'true_positive' },
      texts: { close_anyway_reason: '網站已重建，其餘檢核項目不適用。' },
    });
    assert.equal((await analyst.locator('#report-state').innerText()).trim(), '已結案');
    await screenshot(analyst, 'incident-5-desk-closed');
  });

  step('the reporter sees the message and the closing, but never the internal note', async () => {
    current = reporter;
    await reporter.goto(statusLink);
    assert.equal((await reporter.locator('#report-state').innerText()).trim(), '已結案');
    const updates = await reporter.locator('#updates').innerText();
    assert.ok(updates.includes(MESSAGE), updates);
    assert.ok(!updates.includes('WebShell'), 'an internal note reached the status page');
    await screenshot(reporter, 'incident-6-status-closed');
  });

  step('the reporter answers the survey from the mail, once', async () => {
    const m = await waitForMail(dataDir, /(https?:\/\/\S+\/survey\/[A-Za-z0-9_-]+)/);
    const surveyUrl = m[1];
    await reporter.goto(surveyUrl);
    await visible(reporter, '#survey-form');
    for (const [q, n] of [['speed', 4], ['helpfulness', 5], ['communication', 5], ['overall', 5]]) {
      await reporter.check(`input[name="${q}"][value="${n}"]`);
    }
    await reporter.fill('textarea[name="comment"]', '回應迅速，謝謝！');
    await screenshot(reporter, 'incident-7-survey');
    await reporter.click('#survey-submit');
    await visible(reporter, '#survey-thanks');
    const again = await reporter.goto(surveyUrl);
    assert.equal(again?.status(), 410, 'a second visit says it was answered');
    await visible(reporter, '#survey-answered');
  });

  step('the desk shows the survey result', async () => {
    current = analyst;
    await analyst.reload();
    await visible(analyst, '#survey-result');
    assert.match(await analyst.locator('#survey-result').innerText(), /回應迅速/);
  });
});
