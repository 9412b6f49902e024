// The reward scheme (回饋獎勵), in Debian's headless Chromium with JavaScript off against a
// real server: a member of a security firm, signed in on a phone, reports an incident; a
// desk analyst triages it (verified), and the points appear on the member's /points page
// with the report in the history; the admin puts an event slot (參展・演講・活動) in the
// catalog at /admin/points; the member redeems it and sees the points held; the admin
// approves it with a note; the member's balance shows them spent and the redemption
// approved with the note.
//
// Organizations and users are made with the CLI (`tocsin admin create-org|create-user`).
//
// Run: node --test tests/browser/points.test.mjs   (after cargo build --bins)

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { visible, findDataDir, cli, signIn, submit, fitsWidth, deskDateTime, navTo } from './helpers.mjs';

const ADMIN = { email: 'admin@cert.example.tw', name: '系統管理員', password: 'Jade-Lantern-3390' };
const ANALYST = { email: 'analyst@cert.example.tw', name: '林分析師', password: 'Amber-Kite-6402' };
const FIRM = '範例資安顧問股份有限公司';
const MEMBER = { email: 'soc@firm.example.tw', name: '陳顧問', password: 'Silver-Fern-2187' };
const SLOT = '年會演講時段 <b>20 分鐘</b>';

/** The desk's date-time a day ago, as a datetime-local input in Taipei takes it. */
function yesterday() {
  return deskDateTime(Date.now() - 24 * 3600 * 1000);
}

/** The member page's figures: [balance, held, available]. */
async function figures(page) {
  const n = async (id) => Number((await page.locator(`#${id}`).innerText()).trim());
  return [await n('points-balance'), await n('points-held'), await n('points-available')];
}

describe('a verified report earns points that buy an event slot an admin approves', { timeout: TIMEOUT.suite }, () => {
  const name = `points-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let admin = null;
  let analyst = null;
  let member = null;
  let current = null;
  let tracking = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'points' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', ADMIN.email, '--name', ADMIN.name, '--roles', 'admin'], { TOCSIN_PASSWORD: ADMIN.password });
    await cli(dataDir, ['create-user', '--email', ANALYST.email, '--name', ANALYST.name, '--roles', 'analyst'], { TOCSIN_PASSWORD: ANALYST.password });
    const org = (await cli(dataDir, ['create-org', '--name', FIRM, '--kind', 'security_firm'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', MEMBER.email, '--name', MEMBER.name, '--org', org, '--roles', 'member'], { TOCSIN_PASSWORD: MEMBER.password });
    browser = await launchBrowser();
    const laptop = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    const phone = () => newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    admin = await (await laptop()).newPage();
    analyst = await (await laptop()).newPage();
    member = await (await phone()).newPage();
    current = member;
  });

  after(async () => {
    await screenshot(current, 'points-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the member, signed in on a phone, reports an incident and has no points yet', async () => {
    current = member;
    await signIn(member, server.baseUrl, MEMBER);
    await navTo(member, '#nav-points');
    await visible(member, '#points-figures');
    assert.deepEqual(await figures(member), [0, 0, 0]);
    await navTo(member, '#nav-report');
    await visible(member, '#incident-form');
    await member.fill('input[name="reporter_name"]', FIRM);
    await member.fill('input[name="email"]', MEMBER.email);
    await member.fill('input[name="discovered_at"]', yesterday());
    await member.selectOption('select[name="time_zone"]', 'Asia/Taipei');
    await member.check('input[name="incident_type"][value="web_attack"]');
    await member.fill('textarea[name="description"]', '客戶官網遭植入網頁後門');
    await member.check('input[name="needs_support"][value="false"]');
    await member.click('#incident-submit');
    await visible(member, '#tracking-id', 'the tracking number');
    tracking = (await member.locator('#tracking-id').innerText()).trim();
    assert.match(tracking, /^INC-\d{4}-\d{6}$/);
  });

  step('an analyst triages the report on the desk: it is verified', async () => {
    current = analyst;
    await signIn(analyst, server.baseUrl, ANALYST);
    await analyst.goto(`${server.baseUrl}/desk/reports/${tracking}`);
    await visible(analyst, '#transition-form');
    await analyst.locator('#transition-form select[name="to"]').selectOption('triaged');
    assert.equal(await submit(analyst, '#transition-submit', '/transition'), 303);
    assert.equal((await analyst.locator('#report-state').innerText()).trim(), '已分類');
  });

  step('the points appear on the member\'s page with the report in the history', async () => {
    current = member;
    await member.goto(`${server.baseUrl}/points`);
    assert.deepEqual(await figures(member), [10, 0, 10]);
    const history = await member.locator('#history-list').innerText();
    assert.ok(history.includes(tracking) && history.includes('+10') && history.includes('資安事件通報經確認'), history);
    await fitsWidth(member, '/points on a phone');
    await screenshot(member, 'points-1-earned');
  });

  step('the admin puts an event slot in the catalog', async () => {
    current = admin;
    await signIn(admin, server.baseUrl, ADMIN);
    await navTo(admin, '#nav-points-admin');
    await visible(admin, '#item-new');
    await admin.selectOption('#item-new select[name="kind"]', 'event_slot');
    await admin.fill('#item-new input[name="name_zh"]', SLOT);
    await admin.fill('#item-new input[name="name_en"]', 'Annual meeting talk');
    await admin.fill('#item-new input[name="cost"]', '8');
    await admin.fill('#item-new input[name="stock"]', '2');
    await admin.fill('#item-new input[name="valid_from"]', '2020-01-01');
    await admin.fill('#item-new input[name="valid_until"]', '2099-12-31');
    assert.equal(await submit(admin, '#item-create', '/admin/points/items'), 303);
    await visible(admin, `form.item[data-name="${SLOT}"]`, 'the new item');
  });

  step('the member redeems the slot: the points are held', async () => {
    current = member;
    await member.goto(`${server.baseUrl}/points`);
    const item = member.locator('#catalog .item', { hasText: '年會演講時段' });
    await item.waitFor({ state: 'visible' }).catch(() => assert.fail('the slot is not in the catalog'));
    // The markup in its name is shown as text.
    assert.ok((await item.locator('h3').innerText()).includes('<b>20 分鐘</b>'));
    assert.match(await item.innerText(), /參展・演講・活動/);
    const response = member.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/points/redeem'));
    await item.locator('button.redeem').click();
    assert.equal((await response).status(), 303);
    await member.waitForLoadState('load');
    assert.deepEqual(await figures(member), [10, 8, 2]);
    assert.match(await member.locator('#redemption-list').innerText(), /審核中（點數保留）/);
    await fitsWidth(member, '/points with a redemption');
    await screenshot(member, 'points-2-held');
  });

  step('the admin approves it with a note at /admin/points', async () => {
    current = admin;
    await admin.goto(`${server.baseUrl}/admin/points`);
    const pending = admin.locator('#pending .redemption', { hasText: FIRM });
    await pending.waitFor({ state: 'visible' }).catch(() => assert.fail('the redemption is not pending'));
    assert.ok((await pending.innerText()).includes('年會演講時段'));
    await screenshot(admin, 'points-admin-pending');
    await pending.locator('input[name="note"]').fill('請於年會前一週提供講題');
    assert.equal(await submit(admin, '#pending .redemption button.approve', '/admin/points/redemptions/' + (await pending.getAttribute('id')).replace('redemption-', '')), 303);
    assert.match(await admin.locator('#pending').innerText(), /目前沒有待審核的兌換申請。/);
  });

  step('the member sees the points spent and the redemption approved', async () => {
    current = member;
    await member.goto(`${server.baseUrl}/points`);
    assert.deepEqual(await figures(member), [2, 0, 2]);
    const row = member.locator('#redemption-list tbody tr').first();
    assert.equal(await row.getAttribute('data-state'), 'approved');
    const text = await row.innerText();
    assert.ok(text.includes('已核准') && text.includes('請於年會前一週提供講題'), text);
    assert.match(await member.locator('#history-list').innerText(), /-8/);
    await screenshot(member, 'points-3-approved');
  });
});
