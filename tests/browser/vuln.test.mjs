// A product vulnerability from the web form to a published advisory with a CVE id, in
// Debian's headless Chromium (JavaScript off: the pages need none) against a real server
// started with a small config file that gives the CNA's organization UUID. A researcher on
// a phone files the report and declines public credit; the status page shows tocsin's CVSS
// score 7.6 beside the claimed 7.5 with a warning. A coordinator (also admin, made with
// `tocsin admin create-user --roles admin,coordinator`) reviews and accepts the case, sets
// the vendor (an organization of kind vendor with one member, made with the CLI), notifies
// it (an .eml lands in <data dir>/outbox/), loads reserved CVE ids, assigns one, writes the
// advisory, and publishes. The vendor's member reads the case; the public advisory and the
// CVE record JSON never name the researcher.
//
// Run: node --test tests/browser/vuln.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { BINARY, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { sleep, visible, findDataDir, cli, decodeHeader, signIn, fitsWidth, navTo } from './helpers.mjs';

const CNA_ORG = '6f1c2b9e-4d7a-4c3e-9f21-8a5b0c7d3e14';
const RESEARCHER = { name: '陳小研', org: 'Lab Formosa', email: 'researcher@example.tw' };
const COORD = { email: 'coordinator@example.tw', name: '王協調', password: 'Cobalt-Heron-5521' };
const VENDOR = { org: 'techOh Inc.', email: 'psirt@techoh.example', name: 'techOh PSIRT', password: 'Quartz-Wren-8830' };
const VECTOR = 'CVSS:3.0/AV:N/AC:H/PR:H/UI:R/S:C/C:H/I:H/A:H';
const METHOD = ' badbutwork -i cat /etc/passwd -t';
const POC = { name: 'poc.sh', mimeType: 'text/x-shellscript', buffer: Buffer.from('#!/bin/sh\nbadbutwork -i "cat /etc/passwd" -t\n') };

/** A mail file's headers (unfolded, decoded, lower-case names). */
function mailHeaders(raw) {
  const text = raw.replace(/\r\n/g, '\n');
  const headLines = text.slice(0, text.indexOf('\n\n')).replace(/\n[ \t]+/g, ' ').split('\n');
  const headers = {};
  for (const l of headLines) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = decodeHeader(l.slice(i + 1).trim());
  }
  return headers;
}

/** Waits for a mail in <dataDir>/outbox/ whose headers `match` accepts. */
async function waitForMail(dataDir, what, match) {
  const dir = path.join(dataDir, 'outbox');
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
        const headers = mailHeaders(readFileSync(path.join(dir, f), 'utf8'));
        if (match(headers)) return headers;
      }
    }
    await sleep(250);
  }
  assert.fail(`no mail (${what}) in ${dir} within ${TIMEOUT.navigation} ms`);
}

describe('a vulnerability is reported on the web, coordinated and published with a CVE id', { timeout: TIMEOUT.suite }, () => {
  const name = `vuln-${process.pid}`;
  let configDir = null;
  let server = null;
  let dataDir = null;
  let browser = null;
  let researcher = null;
  let coordinator = null;
  let vendor = null;
  let current = null;
  let tracking = null;
  let statusLink = null;
  let cve = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'vuln' });

  /** Changes the case's state on its desk page, with a note. */
  async function transition(to, note) {
    const form = coordinator.locator('#transition-form');
    await form.locator('select[name="to"]').selectOption(to);
    if (note) await form.locator('textarea[name="note"]').fill(note);
    const response = coordinator.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/transition'));
    await coordinator.click('#transition-submit');
    const res = await response;
    assert.equal(res.status(), 303, `changing to ${to} answered ${res.status()}`);
    await coordinator.waitForLoadState('load');
  }

  const caseState = async () => (await coordinator.locator('#vuln-state').innerText()).trim();

  before(async () => {
    configDir = mkdtempSync(path.join(tmpdir(), 'tocsin-vuln-config-'));
    const config = path.join(configDir, 'tocsin.toml');
    writeFileSync(config, `[cna]\norg_id = "${CNA_ORG}"\nshort_name = "tocsin-test"\n`);
    server = await startServer({ name, args: ['--config', config] });
    dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', COORD.email, '--name', COORD.name, '--roles', 'admin,coordinator'], {
      TOCSIN_PASSWORD: COORD.password,
    });
    const orgId = (await cli(dataDir, ['create-org', '--name', VENDOR.org, '--kind', 'vendor'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', VENDOR.email, '--name', VENDOR.name, '--org', orgId, '--roles', 'member'], {
      TOCSIN_PASSWORD: VENDOR.password,
    });
    browser = await launchBrowser();
    const phone = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    const laptop = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    const vendorDesk = await newContext(browser, { javaScriptEnabled: false, locale: 'en', viewport: { width: 390, height: 844 } });
    researcher = await phone.newPage();
    coordinator = await laptop.newPage();
    vendor = await vendorDesk.newPage();
    current = researcher;
  });

  after(async () => {
    await screenshot(current, 'vuln-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
    if (configDir) rmSync(configDir, { recursive: true, force: true });
  });

  step('the TXT template downloads as a text file', async () => {
    const res = await fetch(`${server.baseUrl}/report/vulnerability/template.txt`, { signal: AbortSignal.timeout(TIMEOUT.action) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(res.headers.get('content-disposition'), /attachment; filename="vulnerability-report-template\.txt"/);
    assert.match(await res.text(), /◎通報日期/);
  });

  step('a researcher on a phone files the web form, declining credit, and gets a tracking number', async () => {
    current = researcher;
    await researcher.goto(`${server.baseUrl}/`);
    await navTo(researcher, '#nav-report-vuln');
    await visible(researcher, '#vuln-form');
    await fitsWidth(researcher, 'the form');
    const f = (n, v) => researcher.fill(`[name="${n}"]`, v);
    await f('report_date', '2026/11/20');
    await f('reporter_name', RESEARCHER.name);
    await f('reporter_organization', RESEARCHER.org);
    await f('reporter_email', RESEARCHER.email);
    await researcher.check('input[name="public_credit"][value="no"]');
    await researcher.check('input[name="source"][value="self"]');
    await f('discovered_on', '民國115年11月18日');
    await f('product', 'IP CAM');
    await f('version', '1.24');
    await f('vendor', 'techOh Inc.');
    await f('product_url', 'https://www.techoh.example/');
    await f('vuln_type', '任意程式碼執行');
    await f('description', '軟體並未對輸入的參數做驗證，導致攻擊者可以透過參數執行任意指令。');
    await f('trigger_conditions', '要能夠接觸本機或使用者執行惡意腳本');
    await f('trigger_method', METHOD);
    await f('evidence', '如附件概念驗證程式');
    await f('impact', '攻擊者可以透過惡意腳本觸發該漏洞，並進而接管該主機');
    await f('cvss_vector', VECTOR);
    await f('cvss_claimed_score', '7.5');
    await researcher.selectOption('select[name="cvss_named_version"]', '3.1');
    await researcher.setInputFiles('input[name="attachments"]', POC);
    await screenshot(researcher, 'vuln-1-form');
    await researcher.click('#vuln-submit');
    await visible(researcher, '#tracking-id', 'the tracking number');
    tracking = (await researcher.locator('#tracking-id').innerText()).trim();
    assert.match(tracking, /^VUL-\d{4}-\d{6}$/);
    statusLink = await researcher.locator('#status-link').getAttribute('href');
    assert.ok(statusLink.includes(`/status/${tracking}?token=`), `status link ${statusLink}`);
    await fitsWidth(researcher, 'the receipt');
    await screenshot(researcher, 'vuln-2-receipt');
  });

  step('the status page shows 7.6 with a warning about the claimed 7.5', async () => {
    await researcher.goto(statusLink);
    assert.equal((await researcher.locator('#vuln-state').innerText()).trim(), '已接收');
    assert.equal((await researcher.locator('#cvss-score').innerText()).trim(), '7.6');
    const warnings = researcher.locator('.cvss-warning');
    assert.equal(await warnings.count(), 2);
    assert.ok((await warnings.first().isVisible()) && (await warnings.nth(1).isVisible()), 'the warnings are visible');
    const said = (await warnings.allInnerTexts()).join('\n');
    assert.match(said, /7\.5 ≠ 7\.6/);
    assert.match(said, /3\.1 ≠ 3\.0/);
    assert.equal(await researcher.locator('#vuln-trigger-method').innerText(), METHOD);
    assert.match(await researcher.locator('#files').innerText(), /poc\.sh/);
    await fitsWidth(researcher, 'the status page');
    await screenshot(researcher, 'vuln-3-status');
  });

  step('the coordinator finds the case and accepts it', async () => {
    current = coordinator;
    await signIn(coordinator, server.baseUrl, COORD);
    await navTo(coordinator, '#nav-vulnerabilities');
    const row = coordinator.locator('#vuln-cases tr', { hasText: tracking });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`${tracking} is not in #vuln-cases`));
    assert.match(await row.innerText(), /IP CAM[\s\S]*已接收[\s\S]*7\.6[\s\S]*台北時間/);
    await screenshot(coordinator, 'vuln-4-list');
    await row.locator('a').first().click();
    await visible(coordinator, '#transition-form');
    assert.equal(await caseState(), '已接收');
    assert.equal((await coordinator.locator('#vuln-trigger-method').innerText()), METHOD);
    assert.match(await coordinator.locator('#cvss').innerText(), /7\.5 ≠ 7\.6/);
    const offered = [];
    for (const o of await coordinator.locator('#transition-form select[name="to"] option').all()) offered.push(await o.getAttribute('value'));
    assert.deepEqual(offered.filter(Boolean), ['under_review']);
    await transition('under_review', '開始審核');
    await transition('accepted', '已重現，受理。');
    assert.equal(await caseState(), '審核通過');
  });

  step('the coordinator sets the vendor and notifies it; the notice is mailed', async () => {
    const vendorSelect = coordinator.locator('#vendor-form select[name="vendor_org_id"]');
    const option = vendorSelect.locator('option', { hasText: VENDOR.org });
    await vendorSelect.selectOption(await option.getAttribute('value'));
    await coordinator.selectOption('#vendor-form select[name="status"]', 'affected');
    await coordinator.click('#vendor-submit');
    await coordinator.waitForLoadState('load');
    assert.equal((await coordinator.locator('#vuln-vendor-org').innerText()).trim(), VENDOR.org);
    const text = await coordinator.locator('#notify-form textarea[name="body"]').inputValue();
    assert.ok(text.includes(tracking) && text.includes('IP CAM'), `the notice template: ${text}`);
    await coordinator.click('#notify-submit');
    await coordinator.waitForLoadState('load');
    assert.equal(await caseState(), '已通知廠商');
    const notice = await waitForMail(dataDir, 'the vendor notice', (h) => (h.to || '').includes(VENDOR.email));
    assert.ok(notice.subject.includes(`[${tracking}]`), `subject: ${notice.subject}`);
    await screenshot(coordinator, 'vuln-5-case-notified');
    // The desk's pages work on a phone too.
    await coordinator.setViewportSize({ width: 390, height: 844 });
    await fitsWidth(coordinator, 'the case page on a phone');
    await coordinator.goto(`${server.baseUrl}/desk/vulnerabilities`);
    await fitsWidth(coordinator, 'the case list on a phone');
    await coordinator.setViewportSize({ width: 1280, height: 900 });
    await coordinator.goto(`${server.baseUrl}/desk/vulnerabilities/${tracking}`);
  });

  step("the vendor's member reads the case, without the researcher's name", async () => {
    current = vendor;
    await signIn(vendor, server.baseUrl, VENDOR);
    await vendor.goto(`${server.baseUrl}/vulnerabilities/${tracking}`);
    await visible(vendor, '#vuln-summary');
    const main = await vendor.locator('main').innerText();
    assert.ok(main.includes('IP CAM') && main.includes('7.6'), main);
    assert.ok(!main.includes(RESEARCHER.name) && !main.includes(RESEARCHER.email), 'the researcher declined credit');
    assert.equal(await vendor.locator('#transition-form').count(), 0, 'read-only');
    await fitsWidth(vendor, "the vendor's view");
    await screenshot(vendor, 'vuln-6-vendor');
  });

  step('the admin loads reserved CVE ids; the coordinator assigns one', async () => {
    current = coordinator;
    await navTo(coordinator, '#nav-cve-ids');
    await visible(coordinator, '#cve-ids-form');
    await coordinator.fill('#cve-ids-form textarea[name="ids"]', 'CVE-2026-20001\nCVE-2026-20010 - CVE-2026-20012');
    await coordinator.click('#cve-ids-submit');
    await visible(coordinator, '#cve-ids-added');
    assert.equal((await coordinator.locator('#cve-pool-reserved').innerText()).trim(), '4');
    await coordinator.goto(`${server.baseUrl}/desk/vulnerabilities/${tracking}`);
    await coordinator.click('#cve-submit');
    await coordinator.waitForLoadState('load');
    cve = (await coordinator.locator('#cve-assigned').innerText()).trim();
    assert.match(cve, /^CVE-2026-200\d\d$/);
  });

  step('the coordinator writes the advisory and readies it; nothing is public yet', async () => {
    const form = coordinator.locator('#advisory-form');
    await form.locator('input[name="title"]').fill('IP CAM 任意指令執行漏洞');
    await form.locator('input[name="cwe"]').fill('CWE-78');
    await form.locator('textarea[name="advisory_zh"]').fill('IP CAM 1.24 未驗證輸入參數，攻擊者可執行任意指令。');
    await form.locator('textarea[name="advisory_en"]').fill('IP CAM 1.24 does not validate an input parameter, letting an attacker run arbitrary commands.');
    await form.locator('textarea[name="solution"]').fill('Update to 1.25.');
    await coordinator.click('#advisory-submit');
    await coordinator.waitForLoadState('load');
    await transition('fix_pending');
    await transition('ready_to_publish');
    const early = await fetch(`${server.baseUrl}/advisories/${cve}`, { signal: AbortSignal.timeout(TIMEOUT.action) });
    assert.equal(early.status, 404, 'an unpublished advisory does not exist');
  });

  step('before publication the CNA container downloads (no record yet) and does not name the researcher', async () => {
    const link = await coordinator.locator('#cve-record-link').getAttribute('href');
    const res = await coordinator.context().request.get(`${server.baseUrl}${link}`);
    assert.equal(res.status(), 200, await res.text());
    assert.match(res.headers()['content-disposition'], new RegExp(`attachment; filename="${cve}-cna-container\\.json"`));
    const text = await res.text();
    const container = JSON.parse(text);
    assert.equal(container.cveMetadata, undefined, 'not a PUBLISHED record before publication');
    assert.equal(container.providerMetadata.orgId, CNA_ORG);
    assert.ok(!text.includes(RESEARCHER.name) && !text.includes(RESEARCHER.org), 'the researcher declined credit');
  });

  step('published: the advisory is public in both languages and names no one', async () => {
    await transition('published', '已公開。');
    assert.equal(await caseState(), '已公開');
    current = researcher;
    await researcher.goto(`${server.baseUrl}/`);
    await navTo(researcher, '#nav-advisories');
    await fitsWidth(researcher, 'the advisories');
    const row = researcher.locator('#advisories tr', { hasText: cve });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`${cve} is not in #advisories`));
    await row.locator('a').first().click();
    await visible(researcher, '#advisory-facts');
    const main = await researcher.locator('main').innerText();
    for (const needle of [cve, 'IP CAM', '1.24', 'CWE-78', '7.6', '未驗證輸入參數', 'does not validate an input parameter', 'Update to 1.25.']) {
      assert.ok(main.includes(needle), `the advisory lacks ${needle}`);
    }
    assert.ok(!main.includes(RESEARCHER.name) && !main.includes(RESEARCHER.org), 'the researcher declined credit');
    assert.equal(await researcher.locator('#advisory-credit').count(), 0);
    await fitsWidth(researcher, 'the advisory');
    await screenshot(researcher, 'vuln-7-advisory');
    const feed = await fetch(`${server.baseUrl}/advisories.atom`, { signal: AbortSignal.timeout(TIMEOUT.action) });
    assert.match(feed.headers.get('content-type'), /^application\/atom\+xml/);
    assert.ok((await feed.text()).includes(cve));
    const record = await coordinator.context().request.get(`${server.baseUrl}/desk/vulnerabilities/${tracking}/cve-record.json`);
    assert.ok(!(await record.text()).includes(RESEARCHER.name), 'the published record names no one either');
  });

  step('the researcher sees the case published with its CVE id', async () => {
    await researcher.goto(statusLink);
    assert.equal((await researcher.locator('#vuln-state').innerText()).trim(), '已公開');
    assert.equal((await researcher.locator('#vuln-cve').innerText()).trim(), cve);
    await screenshot(researcher, 'vuln-8-status-published');
  });
});
