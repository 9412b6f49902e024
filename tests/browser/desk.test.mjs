// The desk on one screen, in Debian's headless Chromium against a real server with
// JavaScript DISABLED, in zh-TW, on a 390 px phone and a 1280 px laptop: the navigation is
// grouped by audience into menus that open without a script and fit the phone; the staff
// home shows what needs action; an incident case page and a vulnerability case page keep
// the case on the left and its state and actions on the right at desk widths, and stack
// into one column on the phone with nothing wider than the screen; deadlines show the hour
// and the desk's time zone by name.
//
// Screenshots of the staff home and a case page at both widths go to $TOCSIN_SCREENSHOTS
// (e.g. docs/screenshots) when it is set, so an ordinary run leaves the tree clean.
//
// Run: node --test tests/browser/desk.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { REPO_ROOT, TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { cli, findDataDir, fitsWidth, navTo, signIn, visible } from './helpers.mjs';

const STAFF = { email: 'desk@cert.example.tw', name: '陳值班', password: 'Amber-Lantern-7731' };
const SEED = readFileSync(path.join(REPO_ROOT, 'crates', 'tocsin-formats', 'tests', 'data', 'vuln-seed-example.txt'));
const phone = { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } };
const laptop = { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 1280, height: 900 } };

/** A screenshot for the docs, when asked for. */
async function docsShot(page, name) {
  const dir = process.env.TOCSIN_SCREENSHOTS;
  if (!dir) return;
  const out = path.resolve(REPO_ROOT, dir);
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}

/** Files a report through the public API; its tracking number. */
async function file(baseUrl, kind, body) {
  const res = await fetch(`${baseUrl}/api/v1/reports/${kind}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT.action),
  });
  const text = await res.text();
  assert.equal(res.status, 201, `filing a ${kind}: ${text}`);
  return JSON.parse(text).tracking_id;
}

/** The box of the element `selector`. */
async function box(page, selector) {
  const b = await page.locator(selector).first().boundingBox();
  assert.ok(b, `${selector} is laid out on ${page.url()}`);
  return b;
}

/** At 1280 px the actions stand right of the case; at 390 px below it, within the screen. */
async function twoColumnsThenOne(wide, narrow, url, what) {
  await wide.goto(url);
  const [main, side] = [await box(wide, '.case-main'), await box(wide, '.case-side')];
  assert.ok(side.x >= main.x + main.width - 1, `${what} at 1280 px: the actions (x ${side.x}) are right of the case (ends ${main.x + main.width})`);
  assert.ok(Math.abs(side.y - main.y) < 5, `${what} at 1280 px: both columns start at the top`);
  await fitsWidth(wide, `${what} at 1280 px`);
  await narrow.goto(url);
  const [m, s] = [await box(narrow, '.case-main'), await box(narrow, '.case-side')];
  assert.ok(s.y >= m.y + m.height - 1, `${what} at 390 px: the actions come after the case`);
  await fitsWidth(narrow, `${what} at 390 px`);
  for (const sel of ['#f-transition-to', '.case-side select']) {
    if ((await narrow.locator(sel).count()) === 0) continue;
    const b = await box(narrow, sel);
    assert.ok(b.x + b.width <= 391, `${what} at 390 px: ${sel} ends at ${b.x + b.width}px`);
  }
}

describe('the desk on one screen: grouped menus, the staff home and two-column case pages at 390 and 1280 px', { timeout: TIMEOUT.suite }, () => {
  const name = `desk-${process.pid}`;
  let server = null;
  let browser = null;
  let narrow = null;
  let wide = null;
  let current = null;
  let incident = null;
  let vulnerability = null;
  const step = flow({ page: () => current, server: () => server, prefix: 'desk' });

  before(async () => {
    server = await startServer({ name });
    const dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', STAFF.email, '--name', STAFF.name, '--roles', 'analyst,coordinator'], { TOCSIN_PASSWORD: STAFF.password });
    incident = await file(server.baseUrl, 'incident', {
      reporter_name: '範例科技股份有限公司', email: 'soc@example.com.tw', discovered_at: '2026-11-01T09:15',
      time_zone: 'Asia/Taipei', incident_type: 'web_attack', description: '官網首頁遭置換，疑似網頁後門。', needs_support: false,
    });
    vulnerability = await file(server.baseUrl, 'vulnerability', { txt_base64: SEED.toString('base64') });
    browser = await launchBrowser();
    narrow = await (await newContext(browser, phone)).newPage();
    wide = await (await newContext(browser, laptop)).newPage();
    current = narrow;
  });

  after(async () => {
    await screenshot(current, 'desk-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('on a phone the menus are grouped, closed, fit the screen and open without a script', async () => {
    current = narrow;
    await signIn(narrow, server.baseUrl, STAFF);
    await fitsWidth(narrow, 'the signed-in header at 390 px');
    for (const group of ['#nav-group-report', '#nav-group-mine', '#nav-group-desk', '#nav-group-coordination']) {
      await visible(narrow, `${group} > summary`, `the ${group} menu`);
    }
    assert.equal(await narrow.locator('#nav-group-admin').count(), 0, 'no admin menu for the desk');
    assert.equal(await narrow.locator('#nav-desk').isVisible(), false, 'the desk menu starts closed');
    await navTo(narrow, '#nav-desk');
    assert.equal(new URL(narrow.url()).pathname, '/desk');
    await fitsWidth(narrow, 'the staff home at 390 px');
  });

  step('the staff home shows what needs action at 390 and 1280 px', async () => {
    await visible(narrow, '#needs-action', 'the needs-action list');
    const text = await narrow.locator('#needs-action').innerText();
    assert.match(text, /資安事件/, text);
    assert.match(text, /產品漏洞/, text);
    await docsShot(narrow, 'staff-home-390');
    current = wide;
    await signIn(wide, server.baseUrl, STAFF);
    await wide.goto(`${server.baseUrl}/desk`);
    await visible(wide, '#needs-action');
    await fitsWidth(wide, 'the staff home at 1280 px');
    await docsShot(wide, 'staff-home-1280');
  });

  step('an incident case page: two columns at 1280 px, one at 390 px, nothing cut off', async () => {
    const url = `${server.baseUrl}/desk/reports/${incident}`;
    await twoColumnsThenOne(wide, narrow, url, incident);
    // Every deadline says its hour and the desk's time zone by name.
    const due = await wide.locator('#sla dd .hint').allInnerTexts();
    assert.ok(due.length === 2 && due.every((t) => /\d{4}-\d\d-\d\d \d\d:\d\d \(台北時間\)/.test(t)), `the SLA deadlines: ${due}`);
    await docsShot(wide, 'case-page-1280');
    current = narrow;
    await docsShot(narrow, 'case-page-390');
  });

  step('a vulnerability case page: two columns at 1280 px, one at 390 px, nothing cut off', async () => {
    current = wide;
    await twoColumnsThenOne(wide, narrow, `${server.baseUrl}/desk/vulnerabilities/${vulnerability}`, vulnerability);
  });
});
