// Helpers shared by the browser tests: waiting for elements, the server's data dir, the
// CLI on its database, and RFC 2047 mail headers.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { BINARY, TIMEOUT } from './harness.mjs';

/** The desk's time zone (the product's default `calendar.time_zone`). */
export const DESK_TIME_ZONE = 'Asia/Taipei';

/**
 * The desk's wall-clock date and time of an instant (ms since the epoch, or a Date), as
 * `YYYY-MM-DDTHH:MM`: what a datetime-local input in Taipei takes. Never the UTC date,
 * which is a day behind from 16:00 to 24:00 UTC.
 */
export function deskDateTime(instant) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: DESK_TIME_ZONE, hourCycle: 'h23',
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    }).formatToParts(new Date(instant)).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** The desk's date (`YYYY-MM-DD`) of an instant. */
export function deskDate(instant) {
  return deskDateTime(instant).slice(0, 10);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits for `selector` to be visible, failing with the page's URL. */
export async function visible(page, selector, what) {
  await page
    .locator(selector)
    .first()
    .waitFor({ state: 'visible' })
    .catch(() => assert.fail(`expected ${what ?? selector} to be visible on ${page.url()}`));
}

/**
 * The server's data dir. harness.mjs makes it with mkdtemp(`tocsin-browser-<name>-`) and
 * does not return it, so a name unique to this process finds it.
 */
export function findDataDir(name) {
  const prefix = `tocsin-browser-${name}-`;
  const hits = readdirSync(tmpdir()).filter((d) => d.startsWith(prefix));
  assert.equal(hits.length, 1, `expected one data dir ${prefix}* in ${tmpdir()}, found ${hits.length}`);
  return path.join(tmpdir(), hits[0]);
}

/** Runs the CLI on the server's SQLite database (the server keeps running); its stdout. */
export function cli(dataDir, args, env = {}) {
  return new Promise((resolve, reject) => {
    execFile(
      BINARY,
      ['admin', ...args, '--database', `sqlite:${path.join(dataDir, 'tocsin.db')}`],
      { env: { ...process.env, ...env }, timeout: TIMEOUT.action },
      (err, stdout, stderr) => (err ? reject(new Error(`tocsin admin ${args[0]} failed: ${err.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`) of a header, decoded. */
export function decodeHeader(value) {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, _charset, enc, text) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, h) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

/** Signs in through the login form and waits for the signed-in page. */
export async function signIn(page, baseUrl, who) {
  await page.goto(`${baseUrl}/login`);
  await page.fill('input[name="email"]', who.email);
  await page.fill('input[name="password"]', who.password);
  await page.click('#login-submit');
  await page.waitForLoadState('load');
  await visible(page, '#logout-button', `signed in as ${who.email}`);
}

/** Submits a form by clicking `button`; the status of the POST to a path ending in `pathEnd`. */
export async function submit(page, button, pathEnd) {
  const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(pathEnd));
  await page.click(button);
  const res = await response;
  await page.waitForLoadState('load');
  return res.status();
}

/** The page fits the viewport: nothing makes a phone scroll sideways. */
export async function fitsWidth(page, where) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width + 1, `${where}: ${scroll}px wide in a ${width}px viewport`);
}

/**
 * Follows a link of the grouped navigation as a person does: a link inside a closed menu
 * (a <details> group) is reached by opening the menu first, which needs no JavaScript.
 */
export async function navTo(page, selector) {
  const link = page.locator(selector).first();
  if (!(await link.isVisible())) {
    const summary = page.locator(`details.nav-group:has(${selector}) > summary`).first();
    await summary.click();
  }
  await link.click();
}
