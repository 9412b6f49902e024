// Accessibility (WCAG 2.1 AA, as Taiwan's 無障礙網頁規範 asks of a public service), in Debian's
// headless Chromium with JavaScript DISABLED: an incident, a phishing and a vulnerability
// report are filed by keyboard alone, each refused once first (focus goes to the error
// summary, the title says so, each failing field points to its message); axe-core checks
// the public forms, the status page and the staff pages in zh-TW and English at 1280, 390
// and 320 px, and nothing scrolls sideways at 320 px; the TLP badges' colours are checked.
//
// Run: node --test tests/browser/a11y.test.mjs   (after cargo build -p tocsin)

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { checkA11y } from './a11y.mjs';
import { TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { cli, deskDate, findDataDir, fitsWidth, signIn, visible } from './helpers.mjs';

const STAFF = { email: 'staff@cert.example.tw', name: '林值班', password: 'Quiet-Heron-7342' };
const MEMBER = { email: 'member@firm.example.tw', name: '王會員', password: 'Quiet-Otter-2817' };
const WIDTHS = [1280, 390, 320];
const LANGS = ['zh-TW', 'en'];

/** Presses Tab until `selector` has the focus (at most `max` times); the keyboard's only way around. */
async function tabTo(page, selector, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.locator(selector).first().evaluate((el) => el === document.activeElement).catch(() => false)) return;
  }
  assert.fail(`${selector} never got the focus after ${max} presses of Tab on ${page.url()}`);
}

/** Tabs to a text field and types into it, replacing what it held. */
async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.type(text);
}

/** Tabs to the submit button and presses Enter; waits for the answer page. */
async function submitByKeyboard(page, selector) {
  await tabTo(page, selector);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
}

/** The id of the focused element. */
const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/**
 * A refused form as WCAG 3.3.1 wants it: the title starts with the error word, the summary
 * has the focus and lists links to the fields, and each failing field is `aria-invalid` and
 * described by its own message, whose text the summary repeats. Returns the links' targets.
 */
async function expectRefused(page, errorWord) {
  assert.ok((await page.title()).startsWith(errorWord), `title "${await page.title()}" starts with ${errorWord}`);
  // Chromium applies `autofocus` when it next renders, a moment after `load`: wait for it
  // (bounded) rather than read the focus once.
  const deadline = Date.now() + 5_000;
  while ((await focusedId(page)) !== 'form-errors' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await focusedId(page), 'form-errors', 'the error summary has the focus');
  assert.equal(await page.locator('#form-errors').getAttribute('role'), 'alert');
  assert.equal(await page.locator('[role="alert"]').count(), 1, 'one alert, not one per field');
  const summary = await page.locator('#form-errors').innerText();
  const targets = await page.locator('#form-errors a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.ok(targets.length > 0, 'the summary lists the errors');
  const invalid = await page.locator('[aria-invalid="true"]').evaluateAll((els) =>
    els.map((el) => ({ id: el.id, described: (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean) })),
  );
  assert.ok(invalid.length > 0, 'some field is marked aria-invalid');
  for (const f of invalid) {
    const errorId = f.described.find((d) => d.endsWith('-error'));
    assert.ok(errorId, `#${f.id} is described by its message (aria-describedby="${f.described.join(' ')}")`);
    const message = (await page.locator(`[id="${errorId}"]`).innerText()).trim();
    assert.ok(message.length > 0, `#${errorId} says something`);
    assert.ok(summary.includes(message.replace(/^⚠\s*/, '')), `the summary repeats "${message}"`);
  }
  for (const t of targets) {
    assert.equal(await page.locator(`[id="${t.slice(1)}"]`).count(), 1, `the summary's link ${t} leads to one element`);
  }
  return targets;
}

describe('accessibility: keyboard-only reports, one error summary, axe on every page', { timeout: TIMEOUT.suite * 2 }, () => {
  const name = `a11y-${process.pid}`;
  let server = null;
  let browser = null;
  let context = null;
  let page = null;
  let statusLink = null;
  const step = flow({ page: () => page, server: () => server, prefix: 'a11y' });

  before(async () => {
    server = await startServer({ name });
    const dataDir = findDataDir(name);
    await cli(dataDir, ['create-user', '--email', STAFF.email, '--name', STAFF.name, '--roles', 'admin,analyst,coordinator'], { TOCSIN_PASSWORD: STAFF.password });
    const org = (await cli(dataDir, ['create-org', '--name', '資安顧問股份有限公司', '--kind', 'security_firm'])).trim().split(/\s+/).pop();
    await cli(dataDir, ['create-user', '--email', MEMBER.email, '--name', MEMBER.name, '--org', org, '--roles', 'member'], { TOCSIN_PASSWORD: MEMBER.password });
    browser = await launchBrowser();
    // Every page here is checked explicitly (checkA11y), at every width and in both languages.
    context = await newContext(browser, { javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 844 } }, { a11y: false });
    page = await context.newPage();
  });

  after(async () => {
    await screenshot(page, 'a11y-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the skip link is the first Tab stop and leads to <main>', async () => {
    await page.goto(`${server.baseUrl}/report/incident`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '#main');
    assert.ok(await page.locator('.skip-link').isVisible(), 'the skip link shows when focused');
    await page.keyboard.press('Enter');
    assert.equal(await focusedId(page), 'main');
    await page.keyboard.press('Tab');
    const next = await page.evaluate(() => document.activeElement?.closest('main') !== null);
    assert.ok(next, 'the next Tab stop is inside <main>');
  });

  step('keyboard only: an incident report refused once (a bad follow-up number), then filed', async () => {
    await page.goto(`${server.baseUrl}/report/incident`);
    await typeInto(page, '#f-reporter_name', '範例科技股份有限公司');
    await typeInto(page, '#f-email', 'soc@example.com.tw');
    // The date-time field by keyboard, as its hint says: digits fill a segment, the arrow
    // keys move between them (headless Chromium shows month/day/year, then a 12-hour clock
    // that an afternoon hour typed as 15 sets to PM).
    const hint = await page.locator('#f-discovered_at-hint').innerText();
    assert.match(hint, /方向鍵/, 'the hint explains the keys');
    const date = deskDate(Date.now() - 24 * 3600 * 1000);
    const [y, mo, d] = date.split('-');
    await tabTo(page, '#f-discovered_at');
    await page.keyboard.type(`${mo}${d}${y}`);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type('1530');
    assert.equal(await page.locator('#f-discovered_at').inputValue(), `${date}T15:30`, 'the date and time typed by keyboard');
    // The first incident type: Tab into the group, Space chooses.
    await tabTo(page, '#f-incident_type');
    await page.keyboard.press('Space');
    await typeInto(page, '#f-description', '官網首頁遭到置換。');
    await tabTo(page, '#f-needs_support');
    await page.keyboard.press('Space');
    await typeInto(page, '#f-support_requested', '協助分析');
    await typeInto(page, '#f-follows_up', 'not-a-number');
    await submitByKeyboard(page, '#incident-submit');
    const targets = await expectRefused(page, '錯誤：');
    assert.deepEqual(targets, ['#f-follows_up']);
    assert.match(await page.locator('#form-errors').innerText(), /先前通報的追蹤編號/);
    assert.equal(await page.locator('#f-follows_up').getAttribute('aria-describedby'), 'f-follows_up-hint f-follows_up-error', 'the hint and the message');
    await checkA11y(page, 'the refused incident form');
    await typeInto(page, '#f-follows_up', '');
    await submitByKeyboard(page, '#incident-submit');
    await visible(page, '#tracking-id', 'the tracking number');
    assert.ok(!(await page.title()).startsWith('錯誤：'));
    statusLink = await page.locator('#status-link').getAttribute('href');
  });

  step('keyboard only: a phishing report refused once (no URL in it), then filed', async () => {
    await page.goto(`${server.baseUrl}/report/phishing`);
    await typeInto(page, '#f-urls', '就是那個網站');
    await typeInto(page, '#f-brand', '範例銀行');
    await tabTo(page, '#f-seen_in input[type="radio"]');
    await page.keyboard.press('Space');
    await typeInto(page, '#f-reporter_email', 'citizen@example.tw');
    await submitByKeyboard(page, '#phishing-submit');
    const targets = await expectRefused(page, '錯誤：');
    assert.ok(targets.includes('#f-urls'), `${targets}`);
    await checkA11y(page, 'the refused phishing form');
    await typeInto(page, '#f-urls', 'hxxps://examp1e[.]com/login');
    await submitByKeyboard(page, '#phishing-submit');
    await visible(page, '#tracking-id', 'the tracking number');
  });

  step('keyboard only: a vulnerability report sent empty lists every missing field, then is filed', async () => {
    await page.goto(`${server.baseUrl}/report/vulnerability`);
    await submitByKeyboard(page, '#vuln-submit');
    const targets = await expectRefused(page, '錯誤：');
    assert.ok(targets.length >= 10, `the summary lists the missing fields: ${targets}`);
    for (const t of ['#f-reporter_name', '#f-reporter_email', '#f-public_credit', '#f-source', '#f-description']) {
      assert.ok(targets.includes(t), `${t} in ${targets}`);
    }
    // The group's message sits inside its fieldset, after the legend.
    assert.equal(await page.locator('#f-source legend + .field-error').count(), 1);
    await checkA11y(page, 'the refused vulnerability form');
    const fields = {
      report_date: '2026/11/20',
      reporter_name: '張研究員',
      reporter_email: 'researcher@example.tw',
      discovered_on: '2026/11/18',
      product: 'IP CAM',
      version: '1.24',
      vendor: 'techOh Inc.',
      product_url: 'https://www.techoh.example/',
      vuln_type: '任意程式碼執行',
      description: '軟體並未對輸入的參數做驗證。',
      trigger_conditions: '可接觸本機',
      trigger_method: 'curl http://cam/cgi?x=$(id)',
      evidence: '概念驗證程式',
      impact: '接管主機',
      cvss_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    };
    for (const [n, v] of Object.entries(fields)) {
      await typeInto(page, `#f-${n}`, v);
      if (n === 'reporter_email') {
        await tabTo(page, '#f-public_credit input[value="yes"]');
        await page.keyboard.press('Space');
      }
      if (n === 'discovered_on') continue;
      if (n === 'reporter_email') {
        await tabTo(page, '#f-source input[type="radio"]');
        await page.keyboard.press('Space');
      }
    }
    await submitByKeyboard(page, '#vuln-submit');
    await visible(page, '#tracking-id', 'the tracking number');
  });

  /** axe at every width and language on `paths` (relative to the server), and no sideways scroll at 320 px. */
  async function scanAll(p, paths, { reflow = true } = {}) {
    for (const lang of LANGS) {
      await context.addCookies([{ name: 'tocsin_lang', value: lang, url: server.baseUrl }]);
      for (const width of WIDTHS) {
        await p.setViewportSize({ width, height: 900 });
        for (const path of paths) {
          await p.goto(path.startsWith('http') ? path : `${server.baseUrl}${path}`);
          assert.equal(await p.locator('html').getAttribute('lang'), lang, `${path} in ${lang}`);
          await checkA11y(p, `${path} in ${lang} at ${width} px`);
          if (width === 320 && reflow) {
            const wide = await p.evaluate(() =>
              [...document.querySelectorAll('main *')]
                .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
                .slice(-3)
                .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
            );
            await fitsWidth(p, `${path} in ${lang} at 320 px (too wide: ${wide.join(', ')})`);
          }
        }
      }
    }
    await context.addCookies([{ name: 'tocsin_lang', value: 'zh-TW', url: server.baseUrl }]);
    await p.setViewportSize({ width: 390, height: 844 });
  }

  step('axe: the public pages and the status page, zh-TW and English, at 1280, 390 and 320 px', async () => {
    await scanAll(page, ['/', '/report/incident', '/report/phishing', '/report/vulnerability', '/login', '/advisories', statusLink]);
  });

  let reportHref = null;
  let caseHref = null;

  step('axe: the desk queue, a report and the phishing desk, in both languages at three widths', async () => {
    await signIn(page, server.baseUrl, STAFF);
    await page.goto(`${server.baseUrl}/desk/phishing`);
    caseHref = await page.locator('#cases a[href^="/desk/phishing/"]').first().getAttribute('href');
    // Every TLP badge carries its level's class (its colours).
    const badge = await page.locator('#cases .tlp').first().getAttribute('class');
    assert.match(badge, /\btlp-(red|amber|amber-strict|green|clear)\b/, `the badge's classes: ${badge}`);
    await page.goto(`${server.baseUrl}/desk`);
    reportHref = await page.locator('#queue a[href^="/desk/reports/"]').first().getAttribute('href');
    await scanAll(page, ['/desk', reportHref, '/desk/phishing']);
  });

  step('axe: a phishing case, the vulnerability desk and the intel inbox, in both languages at three widths', async () => {
    await scanAll(page, [caseHref, '/desk/vulnerabilities', '/intel']);
    await page.goto(`${server.baseUrl}${caseHref}`);
    assert.match((await page.locator('#case-tlp').getAttribute('class')) ?? '', /\btlp-(red|amber|amber-strict|green|clear)\b/, 'the case page\'s badge too');
  });

  step('axe: the admin pages, in both languages at three widths', async () => {
    await scanAll(page, ['/admin/users', '/admin/orgs', '/admin/points', '/admin/virus-check/rules']);
    await page.click('#logout-button');
  });

  step('axe: the points page of a member, in both languages at three widths', async () => {
    await signIn(page, server.baseUrl, MEMBER);
    await scanAll(page, ['/points', '/my/reports', '/account']);
    await page.click('#logout-button');
  });

  step('the TLP palette: every level reads at 4.5:1 or more on its badge', async () => {
    const css = (await (await fetch(`${server.baseUrl}/static/app.css`)).text()).replace(/\/\*[\s\S]*?\*\//g, '');
    const colour = (selector, prop) => {
      const rules = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)].filter(([, sel]) => sel.split(',').map((s) => s.trim()).includes(selector));
      const decl = rules.map(([, , body]) => body.match(new RegExp(`(?:^|;)\\s*${prop}:\\s*(#[0-9a-fA-F]{3,6})`))).filter(Boolean).pop();
      assert.ok(decl, `app.css gives ${selector} a ${prop}`);
      let hex = decl[1].slice(1);
      if (hex.length === 3) hex = [...hex].map((c) => c + c).join('');
      return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    };
    const lum = (rgb) => {
      const [r, g, b] = rgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    const background = colour('.tlp', 'background');
    for (const level of ['tlp-red', 'tlp-amber', 'tlp-amber-strict', 'tlp-green', 'tlp-clear', 'tlp-white', 'tlp-unknown']) {
      const r = ratio(colour(`.${level}`, 'color'), background);
      assert.ok(r >= 4.5, `.${level}: ${r.toFixed(2)}:1`);
    }
  });
});
