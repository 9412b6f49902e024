// Intel sharing by TLP and sharing group, in Debian's headless Chromium (JavaScript off: the
// pages need none) against a real server: an admin makes the sharing groups F-ISAC (with a
// bank) and H-ISAC (with a hospital) on /admin/groups; a desk analyst submits a TLP:AMBER
// record through the 25-field form (a bad time is refused naming the field, then fixed) and
// shares it with F-ISAC. Each of the bank's two users gets one mail (an .eml in
// <data dir>/outbox/ when no SMTP host is set) with the TXT form attached, and the record's
// deliveries table lists exactly those; a bank user on a phone sees the record in /intel
// and opens it; the hospital's user does not see it in the inbox and gets the same 404 as
// for a record that does not exist when opening its URL or its TXT directly.
//
// Organizations and users are made with the CLI (`tocsin admin create-org|create-user`).
//
// Run: node --test tests/browser/intel.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { sleep, visible, findDataDir, cli, decodeHeader, signIn, submit, fitsWidth, navTo } from './helpers.mjs';

const ADMIN = { email: 'admin@cert.example.tw', name: '系統管理員', password: 'Jade-Lantern-3390' };
const ANALYST = { email: 'analyst@cert.example.tw', name: '林分析師', password: 'Amber-Kite-6402' };
const BANK = '範例商業銀行';
const HOSPITAL = '範例紀念醫院';
const BANKERS = [
  { email: 'soc@bank.example.tw', name: '陳資安', password: 'Silver-Fern-2187' },
  { email: 'ciso@bank.example.tw', name: '黃處長', password: 'Copper-Moth-7743' },
];
const NURSE = { email: 'it@hospital.example.tw', name: '張資訊', password: 'Ivory-Gull-5108' };
const SUBJECT = '金融業網路銀行遭撞庫攻擊';
const CONTENT = '多家金融機構網路銀行登入頁遭大量撞庫嘗試，來源 198.51.100.23 與 203.0.113.77。';

/** A mail file: its headers (unfolded, decoded, lower-case names) and the raw text. */
function readMail(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const headLines = text.slice(0, text.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ').split('\n');
  const headers = {};
  for (const l of headLines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = decodeHeader(l.slice(i + 1).trim());
  }
  return { headers, raw: text };
}

/** Every mail in <dataDir>/outbox/ now. */
function outbox(dataDir) {
  const dir = path.join(dataDir, 'outbox');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.eml'))
    .map((f) => ({ file: f, ...readMail(readFileSync(path.join(dir, f), 'utf8')) }));
}

/** The intel mails (subject `[TLP:…] …`), once `count` of them are there. */
async function intelMails(dataDir, count) {
  const deadline = Date.now() + TIMEOUT.navigation;
  let mails = [];
  while (Date.now() < deadline) {
    mails = outbox(dataDir).filter((m) => (m.headers.subject || '').startsWith('[TLP:'));
    if (mails.length >= count) return mails;
    await sleep(250);
  }
  assert.fail(`expected ${count} intel mails in ${dataDir}/outbox within ${TIMEOUT.navigation} ms, found ${mails.length}`);
}

describe('an AMBER record shared with F-ISAC reaches its banks and no hospital', { timeout: TIMEOUT.suite }, () => {
  const name = `intel-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let admin = null;
  let analyst = null;
  let banker = null;
  let nurse = null;
  let current = null;
  let recordUrl = null;
  const orgs = {};
  const step = flow({ page: () => current, server: () => server, prefix: 'intel' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', ADMIN.email, '--name', ADMIN.name, '--roles', 'admin'], { TOCSIN_PASSWORD: ADMIN.password });
    await cli(dataDir, ['create-user', '--email', ANALYST.email, '--name', ANALYST.name, '--roles', 'analyst'], { TOCSIN_PASSWORD: ANALYST.password });
    for (const [key, org, sector] of [['bank', BANK, '金融'], ['hospital', HOSPITAL, '醫療']]) {
      orgs[key] = (await cli(dataDir, ['create-org', '--name', org, '--kind', 'company', '--sector', sector])).trim().split(/\s+/).pop();
    }
    for (const u of BANKERS) {
      await cli(dataDir, ['create-user', '--email', u.email, '--name', u.name, '--org', orgs.bank, '--roles', 'member'], { TOCSIN_PASSWORD: u.password });
    }
    await cli(dataDir, ['create-user', '--email', NURSE.email, '--name', NURSE.name, '--org', orgs.hospital, '--roles', 'member'], { TOCSIN_PASSWORD: NURSE.password });
    browser = await launchBrowser();
    const laptop = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    const phone = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    admin = await (await laptop()).newPage();
    analyst = await (await laptop()).newPage();
    banker = await (await phone()).newPage();
    nurse = await (await phone()).newPage();
    current = admin;
  });

  after(async () => {
    await screenshot(current, 'intel-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the admin makes the sharing groups F-ISAC (the bank) and H-ISAC (the hospital)', async () => {
    current = admin;
    await signIn(admin, server.baseUrl, ADMIN);
    await navTo(admin, '#nav-intel-groups');
    await visible(admin, '#group-form');
    for (const [group, member] of [['F-ISAC', BANK], ['H-ISAC', HOSPITAL]]) {
      await admin.fill('#group-form input[name="name"]', group);
      await admin.selectOption('#group-form select[name="kind"]', 'isac');
      await admin.fill('#group-form textarea[name="description"]', `${group} 情資分享`);
      assert.equal(await submit(admin, '#group-submit', '/admin/groups'), 303);
      const section = admin.locator(`section.group[data-name="${group}"]`);
      await section.waitFor({ state: 'visible' }).catch(() => assert.fail(`${group} is not listed`));
      await section.locator('form.add-member select[name="org_id"]').selectOption({ label: member });
      assert.equal(await submit(admin, `section.group[data-name="${group}"] .add-member-submit`, '/members'), 303);
      const members = await admin.locator(`section.group[data-name="${group}"] ul.members`).innerText();
      assert.ok(members.includes(member), `${group} members: ${members}`);
    }
    const f = await admin.locator('section.group[data-name="F-ISAC"] ul.members').innerText();
    assert.ok(!f.includes(HOSPITAL), `the hospital is not in F-ISAC: ${f}`);
    await screenshot(admin, 'intel-1-groups');
  });

  step('the analyst submits an AMBER record; a bad time is named, then fixed', async () => {
    current = analyst;
    await signIn(analyst, server.baseUrl, ANALYST);
    await navTo(analyst, '#nav-intel');
    await visible(analyst, '#intel-filter');
    await analyst.click('#intel-new-link');
    await visible(analyst, '#intel-form');
    const form = analyst.locator('#intel-form');
    assert.match(await form.locator('input[name="published_at"]').inputValue(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/, 'the time is prefilled');
    await form.locator('select[name="category"]').selectOption('INT');
    await form.locator('input[name="subject"]').fill(SUBJECT);
    await form.locator('input[name="source"]').fill('TWCERT/CC');
    await form.locator('select[name="tlp"]').selectOption('amber');
    await form.locator('input[name="dispatch_id"]').fill('TWCERT-INT-2026-0100');
    await form.locator('input[name="event_subject"]').fill('網路銀行撞庫攻擊');
    await form.locator('input[name="event_discovered_at"]').fill('2026/12/01 08:00');
    await form.locator('textarea[name="content"]').fill(CONTENT);
    await form.locator('input[name="impact_level"]').fill('3');
    await form.locator('textarea[name="victim_ip"]').fill('203.0.113.10 port=443 protocol=tcp');
    await form.locator('textarea[name="malicious_connections"]').fill('direction=source ip=198.51.100.23 protocol=tcp');
    assert.equal(await submit(analyst, '#intel-submit', '/intel/new'), 422);
    const error = await analyst.locator('#error-event_discovered_at').innerText();
    assert.ok(error.includes('事件發現時間 (event_discovered_at)'), `the error names the field: ${error}`);
    assert.equal(await form.locator('input[name="subject"]').inputValue(), SUBJECT, 'typed values are kept');
    await screenshot(analyst, 'intel-2-form-error');
    await form.locator('input[name="event_discovered_at"]').fill('2026-12-01T08:00:00+08:00');
    assert.equal(await submit(analyst, '#intel-submit', '/intel/new'), 303);
    recordUrl = analyst.url();
    assert.match(new URL(recordUrl).pathname, /^\/intel\/[0-9a-f-]{36}$/, `on the record page: ${recordUrl}`);
    assert.equal((await analyst.locator('#intel-subject').innerText()).trim(), SUBJECT);
    assert.equal((await analyst.locator('#intel-tlp').innerText()).trim(), 'TLP:AMBER');
    assert.equal((await analyst.locator('#intel-status').innerText()).trim(), '草稿');
    assert.match(await analyst.locator('#observable-list').innerText(), /198\.51\.100\.23/);
    assert.ok(await analyst.locator('#deliveries-none').isVisible(), 'nothing sent yet');
  });

  step('the analyst shares it with F-ISAC', async () => {
    const box = analyst.locator('#share-groups label', { hasText: 'F-ISAC' }).locator('input[name="groups"]');
    await box.check();
    assert.equal(await submit(analyst, '#share-submit', '/share'), 303);
    assert.match(await analyst.locator('#intel-notice').innerText(), /新寄出 2 封/);
    assert.equal((await analyst.locator('#intel-status').innerText()).trim(), '已分享');
    assert.match(await analyst.locator('#audience-list').innerText(), /F-ISAC/);
    await screenshot(analyst, 'intel-3-shared');
  });

  step('the outbox holds one mail per bank user and none to the hospital; the deliveries table lists them', async () => {
    const mails = await intelMails(dataDir, BANKERS.length);
    // Give the worker time to send anything it should not have.
    await sleep(1_500);
    const all = outbox(dataDir).filter((m) => (m.headers.subject || '').startsWith('[TLP:'));
    const to = all.map((m) => m.headers.to).sort();
    assert.deepEqual(to.map((t) => t.match(/[\w.+-]+@[\w.-]+/)[0]).sort(), BANKERS.map((u) => u.email).sort(), `recipients: ${to}`);
    assert.ok(!outbox(dataDir).some((m) => (m.headers.to || '').includes('hospital')), 'no mail to the hospital');
    for (const m of mails) {
      assert.ok(m.headers.subject.includes('[TLP:AMBER]') && m.headers.subject.includes(SUBJECT), `subject: ${m.headers.subject}`);
      assert.ok(/filename="?intel-TWCERT-INT-2026-0100\.txt/.test(m.raw), 'the TXT form is attached');
    }
    await analyst.reload();
    const rows = analyst.locator('#delivery-list tbody tr');
    assert.equal(await rows.count(), BANKERS.length);
    const table = await analyst.locator('#delivery-list').innerText();
    for (const u of BANKERS) assert.ok(table.includes(u.email), `${u.email} in the deliveries: ${table}`);
    assert.ok(!table.includes(NURSE.email));
    for (const m of all) {
      const id = m.headers['message-id'].replace(/^<|>$/g, '');
      assert.ok(table.includes(id), `message id ${id} in the deliveries: ${table}`);
    }
    assert.match(table, /TLP:AMBER/);
    await screenshot(analyst, 'intel-4-deliveries');
  });

  step('a bank user on a phone sees it in the inbox and opens it', async () => {
    current = banker;
    await signIn(banker, server.baseUrl, BANKERS[0]);
    await navTo(banker, '#nav-intel');
    const row = banker.locator('#intel-list tr', { hasText: SUBJECT });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`"${SUBJECT}" is not in the bank's inbox`));
    assert.match(await row.innerText(), /TLP:AMBER/);
    await fitsWidth(banker, 'the inbox');
    await screenshot(banker, 'intel-5-bank-inbox');
    await row.locator('a').first().click();
    await banker.waitForLoadState('load');
    assert.equal(banker.url(), recordUrl);
    assert.equal((await banker.locator('#intel-subject').innerText()).trim(), SUBJECT);
    assert.match(await banker.locator('#intel-f-content').innerText(), /198\.51\.100\.23/);
    await visible(banker, '#feedback-form', 'the feedback form');
    assert.equal(await banker.locator('#share-form').count(), 0, 'no share form for a recipient');
    assert.equal(await banker.locator('#delivery-list').count(), 0, 'no deliveries for a recipient');
    await fitsWidth(banker, 'the record page');
    await screenshot(banker, 'intel-6-bank-record');
  });

  step('a hospital user does not see it and gets a 404 at its URL', async () => {
    current = nurse;
    await signIn(nurse, server.baseUrl, NURSE);
    await navTo(nurse, '#nav-intel');
    await visible(nurse, '#intel-empty', 'an empty inbox');
    assert.ok(!(await nurse.content()).includes(SUBJECT), 'the subject is not in the hospital inbox');
    const res = await nurse.goto(recordUrl);
    assert.equal(res.status(), 404, `GET ${recordUrl} answered ${res.status()}`);
    const hidden = await nurse.locator('main').innerText();
    assert.ok(!hidden.includes(SUBJECT));
    const missing = await nurse.goto(`${server.baseUrl}/intel/00000000-0000-7000-8000-000000000000`);
    assert.equal(missing.status(), 404);
    assert.equal(await nurse.locator('main').innerText(), hidden, 'the same page as for a record that does not exist');
    const txt = await nurse.goto(`${recordUrl}/txt`);
    assert.equal(txt.status(), 404);
    await screenshot(nurse, 'intel-7-hospital-404');
  });
});
