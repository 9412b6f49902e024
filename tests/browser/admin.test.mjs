// The administrator's first steps, in Debian's headless Chromium against a real server:
// first-start setup, login, organizations, users, the language switch, logout; and the same
// login with JavaScript disabled (every form is a plain POST).
//
// Run: node --test tests/browser/   (after cargo build -p tocsin; scripts/test does both)

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { TIMEOUT, flow, launchBrowser, newContext, screenshot, startServer } from './harness.mjs';
import { navTo } from './helpers.mjs';

const ADMIN = {
  name: '系統管理員',
  email: 'admin@example.tw',
  password: 'Blue-Harbor-7319', // 16 characters
};
const ORG = { name: '測試科技股份有限公司', sector: '半導體製造' };
const MEMBER = { email: 'member@example.tw', name: '王小明', password: 'Green-River-4826' };

const pathIs = (p) => (url) => url.pathname === p;

async function htmlLang(page) {
  return page.locator('html').getAttribute('lang');
}

async function expectLang(page, lang) {
  await page.waitForSelector(`html[lang="${lang}"]`, { state: 'attached' }).catch(async () => {
    assert.fail(`expected <html lang="${lang}"> but it is lang="${await htmlLang(page)}" on ${page.url()}`);
  });
}

async function visible(page, selector, what) {
  await page
    .locator(selector)
    .first()
    .waitFor({ state: 'visible' })
    .catch(() => assert.fail(`expected ${what ?? selector} to be visible on ${page.url()}`));
}

async function setupFirstAdmin(page, setupUrl) {
  const res = await page.goto(setupUrl);
  assert.equal(res?.status(), 200, `GET ${setupUrl} answered ${res?.status()}`);
  await page.fill('input[name="name"]', ADMIN.name);
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('#setup-submit');
  await page.waitForURL(pathIs('/login')).catch(() => assert.fail(`after #setup-submit: on ${page.url()}, not /login`));
}

async function login(page, email, password) {
  await page.fill('input[name="email"]', email);
  await page.fill('input[name="password"]', password);
  await page.click('#login-submit');
}

describe('an administrator sets up tocsin, creates an organization and a user', { timeout: TIMEOUT.suite }, () => {
  let server = null;
  let browser = null;
  let page = null;
  const step = flow({ page: () => page, server: () => server, prefix: 'admin' });

  before(async () => {
    server = await startServer({ name: 'admin' });
    browser = await launchBrowser();
    // A browser in Taiwan.
    const context = await newContext(browser, { locale: 'zh-TW', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  after(async () => {
    await screenshot(page, 'admin-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('the first-start setup page creates the first admin and leads to the login page', async () => {
    await setupFirstAdmin(page, server.setupUrl);
  });

  step('the admin logs in; the interface is in Traditional Chinese', async () => {
    await login(page, ADMIN.email, ADMIN.password);
    await visible(page, '#logout-button');
    await expectLang(page, 'zh-TW');
    await screenshot(page, 'admin-1-logged-in');
  });

  step('the admin creates an organization', async () => {
    await navTo(page, '#nav-admin-orgs');
    await page.waitForURL(pathIs('/admin/orgs'));
    const form = page.locator('#org-form');
    await form.locator('[name="name"]').fill(ORG.name);
    await form.locator('[name="sector"]').fill(ORG.sector);
    await form.locator('select[name="kind"]').selectOption('manufacturer');
    await form.locator('input[name="alliance_member"]').check();
    await page.click('#org-submit');
    const row = page.locator('#org-list tr', { hasText: ORG.name });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`"${ORG.name}" did not appear in #org-list`));
    assert.match(await row.innerText(), new RegExp(ORG.sector), 'the new row shows the sector');
    await screenshot(page, 'admin-2-orgs');
  });

  step('an organization without a name is refused in the page (HTTP 422, .field-error)', async () => {
    const rowsBefore = await page.locator('#org-list tbody tr').count();
    const form = page.locator('#org-form');
    // Let the server judge, even if the input ever gets a `required` attribute.
    await form.evaluate((f) => {
      f.noValidate = true;
    });
    await form.locator('[name="name"]').fill('');
    await form.locator('[name="sector"]').fill(ORG.sector);
    const response = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/admin/orgs',
    );
    await page.click('#org-submit');
    const res = await response;
    assert.equal(res.status(), 422, `POST /admin/orgs with an empty name answered ${res.status()}, not 422`);
    await visible(page, '.field-error');
    assert.equal(
      await page.locator('#org-list tbody tr').count(),
      rowsBefore,
      'the refused form must not have created an organization',
    );
    await screenshot(page, 'admin-3-org-validation');
  });

  step('the admin creates a member of that organization', async () => {
    await navTo(page, '#nav-admin-users');
    await page.waitForURL(pathIs('/admin/users'));
    const form = page.locator('#user-form');
    await form.locator('[name="email"]').fill(MEMBER.email);
    await form.locator('[name="name"]').fill(MEMBER.name);
    await form.locator('select[name="org_id"]').selectOption({ label: ORG.name });
    await form.locator('input[name="roles"][value="member"]').check();
    await form.locator('[name="password"]').fill(MEMBER.password);
    await page.click('#user-submit');
    const row = page.locator('#user-list tr', { hasText: MEMBER.email });
    await row.waitFor({ state: 'visible' }).catch(() => assert.fail(`"${MEMBER.email}" did not appear in #user-list`));
    assert.match(await row.innerText(), new RegExp(ORG.name), 'the new row shows the organization');
    await screenshot(page, 'admin-4-users');
  });

  step('the language switch goes to English and back, staying on the page', async () => {
    await page.click('#lang-switch');
    await expectLang(page, 'en');
    assert.match(await page.locator('#nav-admin-orgs').textContent(), /Organizations/);
    assert.equal(new URL(page.url()).pathname, '/admin/users', 'the switch should come back to the same page');
    await screenshot(page, 'admin-5-english');
    await page.click('#lang-switch');
    await expectLang(page, 'zh-TW');
    assert.doesNotMatch(await page.locator('#nav-admin-orgs').textContent(), /Organizations/);
  });

  step('the admin logs out', async () => {
    await page.click('#logout-button');
    await visible(page, '#login-link');
    assert.equal(await page.locator('#logout-button').count(), 0, 'no logout button once logged out');
    await screenshot(page, 'admin-6-logged-out');
  });
});

describe('without JavaScript, setup and login still work (plain POST forms)', { timeout: TIMEOUT.suite }, () => {
  let server = null;
  let browser = null;
  let page = null;
  const step = flow({ page: () => page, server: () => server, prefix: 'nojs' });

  before(async () => {
    server = await startServer({ name: 'nojs' });
    browser = await launchBrowser();
    // A browser asking for a language tocsin does not have: it gets the default, zh-TW.
    const context = await newContext(browser, { javaScriptEnabled: false, locale: 'fr-FR' });
    page = await context.newPage();
  });

  after(async () => {
    await screenshot(page, 'nojs-last-page');
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  step('setup works without JavaScript; the default language is Traditional Chinese', async () => {
    await setupFirstAdmin(page, server.setupUrl);
    await expectLang(page, 'zh-TW');
  });

  step('a wrong password is refused in the page', async () => {
    await login(page, ADMIN.email, 'not-the-password-at-all');
    await visible(page, '.field-error');
    assert.equal(await page.locator('#logout-button').count(), 0, 'a wrong password must not log in');
  });

  step('login works without JavaScript', async () => {
    await login(page, ADMIN.email, ADMIN.password);
    await visible(page, '#logout-button');
    await screenshot(page, 'nojs-logged-in');
  });
});
