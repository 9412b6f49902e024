// Shared pieces of the browser suite: a real `tocsin serve` on a free loopback port with a
// throw-away data dir, Debian's headless Chromium through playwright-core, and a sequential
// "step" helper that skips the rest of a flow once a step has failed.
//
// Nothing here builds: target/debug/tocsin must exist (scripts/test builds it first).

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { describeViolations, watchA11y } from './a11y.mjs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// TOCSIN_TEST_BINARY: another build of the server (default: the debug build of this checkout).
export const BINARY = process.env.TOCSIN_TEST_BINARY || path.join(REPO_ROOT, 'target', 'debug', 'tocsin');
export const RESULTS_DIR = path.join(REPO_ROOT, 'tests', 'browser', 'test-results');
export const CHROMIUM = process.env.TOCSIN_TEST_CHROMIUM || '/usr/bin/chromium';

/** Timeouts (ms): every wait in the suite is bounded by one of these. */
export const TIMEOUT = {
  serverStart: 30_000,
  action: 10_000,
  navigation: 15_000,
  step: 45_000,
  suite: 240_000,
};

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `target/debug/tocsin serve` with a fresh data dir and waits for its first-start
 * setup URL on stdout and for /healthz. Returns { setupUrl, baseUrl, outputTail(), stop() }.
 * `args`: extra global arguments before `serve`, e.g. ['--config', file].
 * `clockStart`: the product's clock starts at this instant (TOCSIN_CLOCK_START, RFC 3339
 * with an offset) instead of the machine's time, so a flow runs at the hour it needs.
 */
export async function startServer({ name = 'server', args = [], clockStart = '' } = {}) {
  if (!existsSync(BINARY)) {
    throw new Error(
      `${path.relative(REPO_ROOT, BINARY)} is missing: build it first ` +
        `(cargo build -p tocsin; scripts/test does). This suite builds nothing.`,
    );
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), `tocsin-browser-${name}-`));
  const port = await freePort();
  const output = [];
  const child = spawn(BINARY, [...args, 'serve'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      TOCSIN_DATA_DIR: dataDir,
      TOCSIN_LISTEN: `127.0.0.1:${port}`,
      TOCSIN_LOG_FORMAT: 'text',
      ...(clockStart ? { TOCSIN_CLOCK_START: clockStart } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  // Keep draining both pipes for the whole run, so the server never blocks on a full pipe.
  const stdoutLines = readline.createInterface({ input: child.stdout });
  const stderrLines = readline.createInterface({ input: child.stderr });
  stdoutLines.on('line', (l) => output.push(l));
  stderrLines.on('line', (l) => output.push(`[stderr] ${l}`));

  const outputTail = (n = 60) => output.slice(-n).join('\n');

  const stop = async () => {
    stdoutLines.close();
    stderrLines.close();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(5_000)]);
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  let setupUrl;
  try {
    setupUrl = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `no line containing "/setup?token=" on the server's stdout within ` +
                `${TIMEOUT.serverStart} ms`,
            ),
          ),
        TIMEOUT.serverStart,
      );
      stdoutLines.on('line', (line) => {
        if (!line.includes('/setup?token=')) return;
        const m = line.match(/https?:\/\/[^\s"'<>]+\/setup\?token=[^\s"'<>]+/);
        clearTimeout(timer);
        if (m) resolve(m[0]);
        else reject(new Error(`found "/setup?token=" but no URL in the line: ${line}`));
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`could not start ${BINARY}: ${e.message}`));
      });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`the server exited (code ${code}, signal ${signal}) before printing the setup URL`));
      });
    });
    const baseUrl = new URL(setupUrl).origin;
    if (baseUrl !== `http://127.0.0.1:${port}`) {
      throw new Error(`the setup URL ${setupUrl} is not on the address we asked for (127.0.0.1:${port})`);
    }
    await waitHealthy(baseUrl);
    return { setupUrl, baseUrl, port, outputTail, stop };
  } catch (e) {
    await stop();
    e.message += `\n--- server output ---\n${outputTail()}\n--- end of server output ---`;
    throw e;
  }
}

async function waitHealthy(baseUrl) {
  const deadline = Date.now() + TIMEOUT.serverStart;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(200);
  }
  throw new Error(`${baseUrl}/healthz did not answer 2xx within ${TIMEOUT.serverStart} ms (last: ${last})`);
}

/** Debian's Chromium, headless, as GUIDE.md says; never a downloaded browser. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/test does)`);
  }
  // A suite run at a faked hour (scripts/test's `hours` section preloads libfaketime) fakes
  // the test code and the server; Chromium hangs under the preload, and its own clock
  // decides nothing here, so it runs without it.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'LD_PRELOAD' && !k.startsWith('FAKETIME')),
  );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000, env });
}

/** The axe watchers of the contexts made by `newContext`, drained by every `flow` step. */
const a11yWatchers = [];

/**
 * A browser context whose every wait is bounded, and whose every page is checked by axe
 * (a11y.mjs) once loaded: the step of `flow` that loaded it fails on a WCAG 2.1 A/AA violation.
 * `{ a11y: false }` leaves that to a test that checks its pages itself (a11y.test.mjs).
 */
export async function newContext(browser, options = {}, { a11y = true } = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(TIMEOUT.action);
  context.setDefaultNavigationTimeout(TIMEOUT.navigation);
  if (a11y) a11yWatchers.push(watchA11y(context));
  return context;
}

/** The violations axe found on the pages loaded since the last call, as one message or null. */
export async function takeA11yViolations() {
  const found = (await Promise.all(a11yWatchers.map((w) => w.take()))).flat();
  if (found.length === 0) return null;
  return found.map((f) => `${f.url}:\n${describeViolations(f.violations)}`).join('\n');
}

/** A screenshot into tests/browser/test-results/ (gitignored), for humans; never throws. */
export async function screenshot(page, name) {
  if (!page || page.isClosed()) return null;
  try {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true, timeout: TIMEOUT.action });
    return file;
  } catch {
    return null;
  }
}

/**
 * Steps of one flow, run in order: once a step fails, the later ones are skipped (they would
 * only fail for the same reason). A failing step leaves a screenshot and adds the page URL and
 * the server's recent output to the error.
 */
export function flow({ page, server, prefix }) {
  let broken = null;
  return (name, fn) =>
    it(name, { timeout: TIMEOUT.step }, async (t) => {
      if (broken) {
        t.skip(`skipped: the earlier step "${broken}" failed`);
        return;
      }
      broken = name;
      try {
        await fn();
        const a11y = await takeA11yViolations();
        assert.equal(a11y, null, `WCAG 2.1 A/AA violations on the pages of this step:\n${a11y}`);
        broken = null;
      } catch (e) {
        const p = page();
        const slug = name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
        const shot = await screenshot(p, `${prefix}-FAILED-${slug}`);
        const where = p && !p.isClosed() ? p.url() : '(no page)';
        const srv = server();
        e.message +=
          `\n  page: ${where}` +
          (shot ? `\n  screenshot: ${path.relative(REPO_ROOT, shot)}` : '') +
          (srv ? `\n--- server output (last lines) ---\n${srv.outputTail(40)}\n--- end ---` : '');
        throw e;
      }
    });
}
