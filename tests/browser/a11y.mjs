// axe-core in the browser suite: every page a test visits is checked against WCAG 2.1 A and
// AA (axe's tags wcag2a, wcag2aa, wcag21a, wcag21aa). axe is evaluated through the DevTools
// protocol, so it runs on pages served with tocsin's Content-Security-Policy (script-src
// 'self') and in contexts with JavaScript disabled; the product never serves it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The WCAG levels the suite holds every page to. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** JavaScript-enabled, CSP-bypassing pages that scan copies of pages, one per browser and viewport. */
const scanners = new Map();

async function scannerFor(page) {
  const browser = page.context().browser();
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  const key = `${viewport.width}x${viewport.height}`;
  let perBrowser = scanners.get(browser);
  if (!perBrowser) scanners.set(browser, (perBrowser = new Map()));
  if (!perBrowser.has(key)) {
    perBrowser.set(
      key,
      browser.newContext({ bypassCSP: true, javaScriptEnabled: true, viewport }).then((c) => c.newPage()),
    );
  }
  return perBrowser.get(key);
}

/**
 * axe's violations on the page as it is now: [{ id, impact, help, targets }]. The page's DOM
 * is copied into a scanner page of the same viewport with axe injected (tests only: that
 * context bypasses the CSP), so pages served with JavaScript off are checked too and the
 * test's own page is left alone.
 */
export async function axeViolations(page) {
  const url = page.url();
  const html = await page.content();
  const scanner = await scannerFor(page);
  // One scan at a time per scanner page.
  const run = (scanner.queue ?? Promise.resolve()).then(async () => {
    // A page that refreshes itself (Virus Check's, until the verdict) must not navigate
    // the scanner away from its copy mid-scan: the copy drops the refresh.
    const based = html
      .replace(/<meta http-equiv="refresh"[^>]*>/gi, '')
      .replace(/<head([^>]*)>/i, (m) => `${m}<base href="${url.replace(/"/g, '&quot;')}">`);
    await scanner.setContent(based, { waitUntil: 'load' });
    await scanner.addScriptTag({ content: AXE_SOURCE });
    return scanner.evaluate(async (tags) => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join('') ?? ''}`),
      }));
    }, WCAG_TAGS);
  });
  scanner.queue = run.catch(() => {});
  return run;
}

/** One line per violation, for an assertion message. */
export function describeViolations(violations) {
  return violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n${v.targets.map((t) => `      ${t}`).join('\n')}`).join('\n');
}

/** Fails when axe finds a WCAG 2.1 A/AA violation on the page; `label` says which page. */
export async function checkA11y(page, label) {
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `${label} (${page.url()}): ${violations.length} WCAG 2.1 A/AA violation(s)\n${describeViolations(violations)}`);
}

/**
 * Checks every page of `context` when it has loaded, without the test waiting for it: a
 * scan that the test's next navigation interrupts is dropped (that page was not looked at
 * long enough to matter), any other outcome is kept. `take()` awaits the scans started so
 * far and returns their violations, emptying the list.
 */
export function watchA11y(context) {
  const scans = [];
  const watch = (page) =>
    page.on('load', () => {
      const url = page.url();
      scans.push(
        axeViolations(page).then(
          (violations) => ({ url, violations }),
          (e) => (/context was destroyed|navigat|Target .*closed|has been closed/i.test(e.message) ? null : { url, violations: [{ id: 'axe-error', impact: 'error', help: e.message, targets: [] }] }),
        ),
      );
    });
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    async take() {
      const done = (await Promise.all(scans.splice(0))).filter(Boolean);
      return done.filter((d) => d.violations.length > 0);
    },
  };
}
