// An assistance referral (協處商機) from offer to the reporter's choice, in Debian's headless
// Chromium (JavaScript off) against a real server. A security firm has redeemed an
// assistance-referral item (set up over the API with CLI-made tokens). An anonymous
// reporter who asked for support agrees on the status page to be referred; the analyst
// offers the case on the report page, sanitised (a summary naming the reporter is refused
// and kept as typed); the firm's member, on a phone, sees the offer without anything of the
// reporter and accepts it; the reporter sees the firm by name only and chooses it, then sees
// its contact; the firm's page now shows the reporter's contact, and the outbox holds one
// mail to each side with the other's details.
//
// Run: node --test tests/browser/referral.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { sleep, visible, findDataDir, cli, signIn, submit, deskDate, navTo } from './helpers.mjs';

const ADMIN = { email: 'admin@cert.example.tw', name: '系統管理員', password: 'Jade-Lantern-3390' };
const ANALYST = { email: 'analyst@cert.example.tw', name: '林分析師', password: 'Amber-Kite-6402' };
const FIRM = { email: 'soc@alpha-sec.example.tw', name: '周顧問', password: 'Teal-Heron-4471' };
const FIRM_ORG = '甲安全顧問股份有限公司';
const REPORTER = { name: '大同精密股份有限公司', email: 'it@datong-precision.example.tw', phone: '04-2345-6789' };

/** A JSON API call with a bearer token; the parsed answer. */
async function api(baseUrl, token, method, uri, body) {
  const res = await fetch(`${baseUrl}${uri}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${uri}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The text bodies of the mails in <dataDir>/outbox/ sent to `to`, once there. */
async function mailsTo(dataDir, to, wanted = () => true) {
  const dir = path.join(dataDir, 'outbox');
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      const hits = readdirSync(dir)
        .filter((n) => n.endsWith('.eml'))
        .map((f) => readFileSync(path.join(dir, f), 'utf8'))
        .filter((m) => m.replace(/\r\n/g, '\n').split('\n\n')[0].includes(to));
      const bodies = hits.map(decodeBody).filter(wanted);
      if (bodies.length) return bodies;
    }
    await sleep(250);
  }
  assert.fail(`no mail to ${to} in ${dir} within ${TIMEOUT.navigation} ms`);
}

/** A single-part mail's body, its transfer encoding undone. */
function decodeBody(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const i = text.indexOf('\n\n');
  const head = text.slice(0, i).toLowerCase();
  const body = text.slice(i + 2);
  if (head.includes('content-transfer-encoding: base64')) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (head.includes('content-transfer-encoding: quoted-printable')) {
    return Buffer.from(body.replace(/=\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return body;
}

// The server's clock starts at 00:30 in Taipei (16:30 UTC), the hour at which the UTC date
// is a day behind the desk's: the catalog item below is valid on the desk's day only, as
// an admin would type it, whatever hour the suite runs at.
const CLOCK_START = '2026-12-07T00:30:00+08:00';

describe('an assistance referral goes from the offer to the reporter choosing a firm', { timeout: TIMEOUT.suite }, () => {
  const name = `referral-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let reporter = null;
  let analyst = null;
  let firm = null;
  let current = null;
  let tracking = null;
  let statusUrl = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'referral' });

  before(async () => {
    server = await startServer({ name, clockStart: CLOCK_START });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', ADMIN.email, '--name', ADMIN.name, '--roles', 'admin'], { TOCSIN_PASSWORD: ADMIN.password });
    await cli(dataDir, ['create-user', '--email', ANALYST.email, '--name', ANALYST.name, '--roles', 'analyst'], { TOCSIN_PASSWORD: ANALYST.password });
    const org = (await cli(dataDir, ['create-org', '--name', FIRM_ORG, '--kind', 'security_firm', '--sector', '資安'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', FIRM.email, '--name', FIRM.name, '--org', org, '--roles', 'member'], { TOCSIN_PASSWORD: FIRM.password });
    const token = async (email) => (await cli(dataDir, ['create-token', '--email', email])).trim().split(/\s+/).pop();
    const [adminToken, firmToken] = [await token(ADMIN.email), await token(FIRM.email)];
    // The firm holds an approved assistance-referral redemption.
    const today = deskDate(Date.parse(CLOCK_START));
    assert.equal(today, '2026-12-07');
    const item = await api(server.baseUrl, adminToken, 'POST', '/api/v1/points/catalog', {
      kind: 'assistance', name_zh: '協處商機轉介', name_en: 'Assistance referral', cost: '30', stock: '3', valid_from: today, valid_until: today,
    });
    await api(server.baseUrl, adminToken, 'POST', '/api/v1/points/adjustments', { org_id: org, delta: '50', reason: '年度會員點數' });
    const held = await api(server.baseUrl, firmToken, 'POST', '/api/v1/points/redemptions', { item_id: item.id });
    await api(server.baseUrl, adminToken, 'POST', `/api/v1/points/redemptions/${held.id}/decision`, { decision: 'approved' });
    // The reporter files without an account and keeps the status link.
    const filed = await api(server.baseUrl, null, 'POST', '/api/v1/reports/incident', {
      reporter_name: REPORTER.name, phone: REPORTER.phone, email: REPORTER.email,
      discovered_at: '2026-12-01T09:15', time_zone: 'Asia/Taipei', incident_type: 'intrusion',
      description: '檔案伺服器遭加密，業務中斷。', needs_support: true, support_requested: '鑑識與系統復原',
    });
    tracking = filed.tracking_id;
    statusUrl = `${server.baseUrl}/status/${tracking}?token=${filed.token}`;
    browser = await launchBrowser();
    const laptop = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    const phone = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    reporter = await (await phone()).newPage();
    analyst = await (await laptop()).newPage();
    firm = await (await phone()).newPage();
    current = reporter;
  });

  after(async () => {
    await screenshot(current, 'referral-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the reporter agrees to be referred on the status page', async () => {
    current = reporter;
    await reporter.goto(statusUrl);
    await visible(reporter, '#referral-consent');
    assert.equal(await submit(reporter, '#referral-consent', '/referral'), 303);
    await visible(reporter, '#referral-waiting');
    await screenshot(reporter, 'referral-1-consented');
  });

  step('the analyst offers it sanitised; a summary naming the reporter is refused', async () => {
    current = analyst;
    await signIn(analyst, server.baseUrl, ANALYST);
    await analyst.goto(`${server.baseUrl}/desk/reports/${tracking}`);
    await visible(analyst, '#referral-offer-form');
    const form = analyst.locator('#referral-offer-form');
    await form.locator('input[name="sector"]').fill('製造業');
    await form.locator('select[name="company_size"]').selectOption('medium');
    await form.locator('select[name="region"]').selectOption('central');
    await form.locator('textarea[name="summary"]').fill(`請聯絡 ${REPORTER.email} 協助鑑識`);
    assert.equal(await submit(analyst, '#referral-offer', '/referral'), 422);
    const error = await analyst.locator('#referral .field-error').first().innerText();
    assert.match(error, /身分資訊/);
    assert.equal(await form.locator('input[name="sector"]').inputValue(), '製造業', 'typed values are kept');
    await form.locator('textarea[name="summary"]').fill('檔案伺服器遭加密，需要鑑識與系統復原。');
    assert.equal(await submit(analyst, '#referral-offer', '/referral'), 303);
    const state = await analyst.locator('#referral .referral-state-offered').innerText();
    assert.match(state, /已轉介/);
    await screenshot(analyst, 'referral-2-offered');
  });

  step('the firm sees the offer without the reporter and accepts it on a phone', async () => {
    current = firm;
    await signIn(firm, server.baseUrl, FIRM);
    await navTo(firm, '#nav-referrals');
    await visible(firm, 'article.referral');
    const text = await firm.locator('#referrals').innerText();
    assert.match(text, /製造業/);
    for (const secret of ['大同', 'datong', REPORTER.phone, tracking]) assert.ok(!text.includes(secret), `the offer shows ${secret}`);
    assert.equal(await submit(firm, 'button.referral-accept', '/accept'), 303);
    assert.match(await firm.locator('#referrals .response-accepted').innerText(), /等待通報人選擇/);
    await screenshot(firm, 'referral-3-accepted');
  });

  step('the reporter chooses the firm and sees its contact', async () => {
    current = reporter;
    await reporter.goto(statusUrl);
    await visible(reporter, '#referral-firms');
    assert.equal((await reporter.locator('#referral-firms .firm-name').innerText()).trim(), FIRM_ORG);
    assert.equal(await reporter.locator('.firm-email').count(), 0, 'no contact before the choice');
    assert.equal(await submit(reporter, 'button.referral-choose', '/referral'), 303);
    await visible(reporter, '#referral-chosen');
    assert.equal((await reporter.locator('#referral-chosen .firm-email').innerText()).trim(), FIRM.email);
    await visible(reporter, '#referral-rate-form');
    await screenshot(reporter, 'referral-4-chosen');
  });

  step('contacts are exchanged: the firm page and one mail to each side', async () => {
    current = firm;
    await firm.reload();
    assert.equal((await firm.locator('.reporter-email').innerText()).trim(), REPORTER.email);
    // (The firm also heard of the offer and of its redemption's approval: those do not
    // carry the reporter's contact.)
    const toFirm = await mailsTo(dataDir, FIRM.email, (m) => m.includes(REPORTER.email));
    assert.equal(toFirm.length, 1);
    assert.ok(toFirm[0].includes(REPORTER.email) && toFirm[0].includes(REPORTER.phone), toFirm[0]);
    const toReporter = await mailsTo(dataDir, REPORTER.email, (m) => m.includes(FIRM.email));
    assert.equal(toReporter.length, 1, 'the reporter gets the firm contact once');
  });
});
