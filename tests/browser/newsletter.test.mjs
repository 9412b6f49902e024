// The monthly e-newsletter and the public statistics in Debian's headless Chromium with
// JavaScript DISABLED, on a 390 px phone, in zh-TW: a reader subscribes, finds the
// confirmation mail in the outbox, confirms through its link's button, reads the archive
// and opens last month's statistics, whose charts are SVG images with their tables, and
// nothing makes the phone scroll sideways.
//
// Run: node --test tests/browser/newsletter.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';

import { TIMEOUT, flow, launchBrowser, newContext, startServer } from './harness.mjs';
import { findDataDir, fitsWidth, sleep, submit, visible } from './helpers.mjs';

const READER = 'reader@example.com.tw';

/** The body of an .eml as text: base64 undone when the message says so. */
function bodyText(raw) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n');
  if (/Content-Transfer-Encoding: base64/i.test(head)) {
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  }
  return body.replace(/=\r\n/g, '').replace(/=3D/g, '=');
}

/** Waits for the confirmation mail to `to` in <dataDir>/outbox and returns its link's path. */
async function confirmationPath(dataDir, to) {
  const dir = path.join(dataDir, 'outbox');
  const deadline = Date.now() + TIMEOUT.navigation;
  while (Date.now() < deadline) {
    if (existsSync(dir)) {
      for (const f of readdirSync(dir).filter((n) => n.endsWith('.eml'))) {
        const raw = readFileSync(path.join(dir, f), 'utf8');
        if (!raw.includes(`To: ${to}`)) continue;
        const m = bodyText(raw).match(/\/newsletter\/confirm\/[A-Za-z0-9_-]+/);
        if (m) return m[0];
      }
    }
    await sleep(250);
  }
  assert.fail(`no confirmation mail to ${to}`);
}

/** Last month as YYYY-MM (the machine's month; the server refuses only future months). */
function lastMonth() {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('without JavaScript on a phone, a reader subscribes, confirms, reads the archive and the statistics', { timeout: TIMEOUT.suite }, () => {
  const name = `newsletter-${process.pid}`;
  let server = null;
  let dataDir = null;
  let browser = null;
  let phone = null;
  const step = flow({ page: () => phone, server: () => server, prefix: 'newsletter' });

  before(async () => {
    server = await startServer({ name });
    dataDir = findDataDir(name);
    browser = await launchBrowser();
    const ctx = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } });
    phone = await ctx.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the footer leads to the form, and subscribing answers without saying who reads', async () => {
    await phone.goto(`${server.baseUrl}/`);
    await phone.click('#footer-newsletter');
    await visible(phone, '#nl-form');
    await phone.fill('#f-nl-email', READER);
    await phone.check('input[name="locale"][value="zh-TW"]');
    assert.equal(await submit(phone, '#nl-submit', '/newsletter'), 303);
    await visible(phone, '#nl-sent');
    await fitsWidth(phone, 'the subscription form at 390 px');
  });

  step('the mailed link confirms by its button', async () => {
    const link = await confirmationPath(dataDir, READER);
    await phone.goto(`${server.baseUrl}${link}`);
    await visible(phone, '#nl-link-submit');
    assert.equal(await submit(phone, '#nl-link-submit', link), 200);
    await visible(phone, '#nl-notice');
    assert.match(await phone.locator('#nl-notice').innerText(), /已確認訂閱/);
    // The link works once.
    await phone.goto(`${server.baseUrl}${link}`);
    assert.equal(await submit(phone, '#nl-link-submit', link), 404);
  });

  step('the archive opens', async () => {
    await phone.goto(`${server.baseUrl}/newsletter`);
    await phone.click('#nl-archive-link');
    await visible(phone, '#nl-archive-none');
    await fitsWidth(phone, 'the archive at 390 px');
  });

  step('last month\'s statistics show SVG charts with their tables and a CSV', async () => {
    const month = lastMonth();
    const res = await phone.goto(`${server.baseUrl}/stats/${month}`);
    assert.equal(res.status(), 200);
    await visible(phone, '#stats-reports-by-kind img');
    await visible(phone, '#table-reports-by-kind');
    await visible(phone, '#stats-csv');
    const src = await phone.locator('#stats-trend img').getAttribute('src');
    const svg = await phone.request.get(`${server.baseUrl}${src}`);
    assert.equal(svg.headers()['content-type'], 'image/svg+xml');
    assert.match(await svg.text(), /^<svg /);
    const loaded = await phone.locator('#stats-trend img').evaluate((img) => img.complete && img.naturalWidth > 0);
    assert.ok(loaded, 'the trend chart is drawn');
    await fitsWidth(phone, 'the statistics at 390 px');
  });
});
