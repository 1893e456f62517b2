import { chromium } from 'playwright-core';
import Fastify from 'fastify';
import { installErrorHandler, installHtmlSecurity, registerDocs } from '@parley/server';
const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
installErrorHandler(app); installHtmlSecurity(app); registerDocs(app, {});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
for (const [w, scheme] of [[1280, 'dark'], [390, 'light'], [390, 'dark']] as const) {
  const page = await browser.newPage({ viewport: { width: w, height: 800 }, colorScheme: scheme });
  await page.goto(`${url}/docs/quick-start`);
  await page.waitForTimeout(1500);
  if (w < 500) { await page.click('.navbar__toggle').catch(() => {}); await page.waitForTimeout(300); }
  const input = page.locator('.navbar__search-input').first();
  if (await input.isVisible()) { await input.fill('recording'); } else { await page.keyboard.press('Control+k'); await page.keyboard.type('recording'); }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `/tmp/search-${w}-${scheme}.png` });
}
await browser.close(); await app.close();
