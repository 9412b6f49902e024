import { launchBrowser, startServer } from './harness.mjs';
const s = await startServer({ name: 'probe' });
const b = await launchBrowser();
const c = await b.newContext({ javaScriptEnabled: false, locale: 'zh-TW', viewport: { width: 390, height: 800 } });
const p = await c.newPage();
for (const path of ['/report/vulnerability']) {
  await p.goto(s.baseUrl + path); await p.setViewportSize({width: 320, height: 900}); await p.goto(s.baseUrl + path); console.log(await p.evaluate(() => document.documentElement.scrollWidth));
  console.log(path, await p.evaluate(() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 318 || e.scrollWidth > e.clientWidth + 1).slice(0, 12).map(e => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)} ${e.scrollWidth} ${e.clientWidth}`)));
}
await b.close(); await s.stop();
