// Everyone finds their own things, in Debian's headless Chromium with JavaScript off
// against a real server, zh-TW, on a 390 px phone and a 1280 px laptop: a member files an
// incident on the web form and, with an API token made on the account page, a
// vulnerability (the TXT form) and a phishing URL; all three are under /my/reports. A
// coordinator notifies the member's organization of a case as its vendor (through the
// API); a vendor member finds it from /my/reports on the vendor list /vulnerabilities,
// without the reporter's identity.
//
// Organizations and users are made with the CLI (`tocsin admin create-org|create-user`).
//
// Run: node --test tests/browser/own.test.mjs   (after cargo build --bins)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { REPO_ROOT, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { visible, findDataDir, cli, signIn, submit, fitsWidth, deskDateTime, navTo } from './helpers.mjs';

const COORD = { email: 'coord@cert.example.tw', name: '王協調員', password: 'Coral-Harbor-5521' };
const MEMBER = { email: 'soc@corp.example.tw', name: '張資安', password: 'Maple-River-8842' };
const CORP = '範例電子股份有限公司';
const VENDOR = { email: 'psirt@cam.example.tw', name: '李產品安全', password: 'Cedar-Bridge-1170' };
const CAM = '範例攝影機股份有限公司';
const SEED = path.join(REPO_ROOT, 'crates', 'tocsin-formats', 'tests', 'data', 'vuln-seed-example.txt');

const phone = { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } };
const laptop = { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } };

/** A new API token made on the signed-in page's account page; its secret (shown once). */
async function newToken(page, baseUrl, name) {
  await page.goto(`${baseUrl}/account`);
  await page.fill('input[name="name"]', name);
  assert.equal(await submit(page, '#token-submit', '/account/tokens'), 200);
  return (await page.locator('#new-token').innerText()).trim();
}

/** A JSON call to the API with a bearer token; the parsed answer, checked for `status` ('ok': any 2xx). */
async function api(baseUrl, token, method, route, body, status) {
  const res = await fetch(`${baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT.action),
  });
  const text = await res.text();
  if (status === 'ok') assert.ok(res.ok, `${method} ${route}: ${res.status} ${text}`);
  else assert.equal(res.status, status, `${method} ${route}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The rows of /my/reports: [tracking, kind class] each. */
async function myRows(page) {
  return page.locator('#my-reports tbody tr').evaluateAll((rows) =>
    rows.map((r) => [r.querySelector('a').textContent.trim(), r.className]),
  );
}

describe('a member finds all their reports; a vendor finds the cases it was notified of', { timeout: TIMEOUT.suite }, () => {
  const name = `own-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let vendorOrg = null;
  let member = null;
  let memberWide = null;
  let coordinator = null;
  let vendor = null;
  let vendorWide = null;
  let current = null;
  let token = null;
  const filed = {};
  const step = flow({ page: () => current, server: () => server, prefix: 'own' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', COORD.email, '--name', COORD.name, '--roles', 'admin,coordinator'], { TOCSIN_PASSWORD: COORD.password });
    const corp = (await cli(dataDir, ['create-org', '--name', CORP, '--kind', 'company'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', MEMBER.email, '--name', MEMBER.name, '--org', corp, '--roles', 'member'], { TOCSIN_PASSWORD: MEMBER.password });
    vendorOrg = (await cli(dataDir, ['create-org', '--name', CAM, '--kind', 'vendor'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', VENDOR.email, '--name', VENDOR.name, '--org', vendorOrg, '--roles', 'member'], { TOCSIN_PASSWORD: VENDOR.password });
    browser = await launchBrowser();
    member = await (await newContext(browser, phone)).newPage();
    memberWide = await (await newContext(browser, laptop)).newPage();
    coordinator = await (await newContext(browser, laptop)).newPage();
    vendor = await (await newContext(browser, phone)).newPage();
    vendorWide = await (await newContext(browser, laptop)).newPage();
    current = member;
  });

  after(async () => {
    await screenshot(current, 'own-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the member, signed in on a phone, files an incident on the prefilled form', async () => {
    current = member;
    await signIn(member, server.baseUrl, MEMBER);
    await navTo(member, '#nav-report');
    await visible(member, '#incident-form');
    assert.equal(await member.inputValue('input[name="email"]'), MEMBER.email, 'prefilled mail');
    assert.equal(await member.inputValue('input[name="reporter_name"]'), MEMBER.name, 'prefilled name');
    await member.fill('input[name="discovered_at"]', deskDateTime(Date.now() - 24 * 3600 * 1000));
    await member.selectOption('select[name="time_zone"]', 'Asia/Taipei');
    await member.check('input[name="incident_type"][value="web_attack"]');
    await member.fill('textarea[name="description"]', '官網首頁遭置換');
    await member.check('input[name="needs_support"][value="false"]');
    await member.click('#incident-submit');
    await visible(member, '#tracking-id', 'the tracking number');
    filed.incident = (await member.locator('#tracking-id').innerText()).trim();
  });

  step('with a token from the account page, the member files a vulnerability and a phishing URL', async () => {
    token = await newToken(member, server.baseUrl, '通報腳本');
    const txt = readFileSync(SEED).toString('base64');
    filed.vulnerability = (await api(server.baseUrl, token, 'POST', '/api/v1/reports/vulnerability', { txt_base64: txt }, 201)).tracking_id;
    filed.phishing = (await api(server.baseUrl, token, 'POST', '/api/v1/reports/phishing', {
      urls: ['https://bank-login.example/verify'], brand: '範例銀行', seen_in: 'sms', reporter_email: MEMBER.email,
    }, 201)).tracking_id;
  });

  step('on the phone, /my/reports lists all three kinds with their state', async () => {
    current = member;
    await member.goto(`${server.baseUrl}/`);
    await navTo(member, '#nav-my-reports');
    await visible(member, '#my-reports');
    const rows = await myRows(member);
    for (const kind of ['incident', 'vulnerability', 'phishing']) {
      assert.ok(rows.some(([t, k]) => t === filed[kind] && k === `kind-${kind}`), `${kind} ${filed[kind]} in ${JSON.stringify(rows)}`);
    }
    assert.equal(await member.locator('#my-reports .state').count(), 3);
    await fitsWidth(member, '/my/reports on a phone');
    await screenshot(member, 'own-1-my-reports-phone');
    // Each opens its status page.
    await member.click(`#my-reports a:text-is("${filed.phishing}")`);
    await member.waitForLoadState('load');
    assert.ok(member.url().endsWith(`/status/${filed.phishing}`), member.url());
  });

  step('on a laptop, the same three are there', async () => {
    current = memberWide;
    await signIn(memberWide, server.baseUrl, MEMBER);
    await memberWide.goto(`${server.baseUrl}/my/reports`);
    const rows = await myRows(memberWide);
    assert.deepEqual(new Set(rows.map(([t]) => t)), new Set([filed.incident, filed.vulnerability, filed.phishing]));
    await fitsWidth(memberWide, '/my/reports on a laptop');
    await screenshot(memberWide, 'own-2-my-reports-laptop');
  });

  step("a coordinator notifies the camera maker of the member's vulnerability", async () => {
    current = coordinator;
    await signIn(coordinator, server.baseUrl, COORD);
    const desk = await newToken(coordinator, server.baseUrl, 'coordination');
    const base = `/api/v1/vulnerabilities/${filed.vulnerability}`;
    for (const to of ['under_review', 'accepted']) {
      await api(server.baseUrl, desk, 'POST', `${base}/transition`, { to }, 'ok');
    }
    await api(server.baseUrl, desk, 'POST', `${base}/vendor`, { vendor_org_id: vendorOrg, status: 'affected' }, 'ok');
    await api(server.baseUrl, desk, 'POST', `${base}/notify-vendor`, {}, 'ok');
  });

  step("the vendor's member, on a phone, finds the case from /my/reports without the reporter", async () => {
    current = vendor;
    await signIn(vendor, server.baseUrl, VENDOR);
    await navTo(vendor, '#nav-my-reports');
    await vendor.click('#vendor-cases-link');
    await visible(vendor, '#vendor-cases');
    const list = await vendor.locator('main').innerText();
    assert.ok(list.includes(filed.vulnerability), list);
    assert.ok(!list.includes(filed.incident) && !list.includes(filed.phishing), list);
    assert.ok(!list.includes(MEMBER.email) && !list.includes(MEMBER.name), 'no reporter identity');
    await fitsWidth(vendor, 'the vendor list on a phone');
    await screenshot(vendor, 'own-3-vendor-phone');
    await vendor.click(`#vendor-cases a:text-is("${filed.vulnerability}")`);
    await visible(vendor, '#vuln-summary');
    const main = await vendor.locator('main').innerText();
    assert.ok(!main.includes(MEMBER.email), 'no reporter mail on the case page');
  });

  step('on a laptop, the vendor list shows the case too', async () => {
    current = vendorWide;
    await signIn(vendorWide, server.baseUrl, VENDOR);
    await vendorWide.goto(`${server.baseUrl}/vulnerabilities`);
    const rows = await vendorWide.locator('#vendor-cases tbody tr').count();
    assert.equal(rows, 1);
    await fitsWidth(vendorWide, 'the vendor list on a laptop');
    await screenshot(vendorWide, 'own-4-vendor-laptop');
  });
});
