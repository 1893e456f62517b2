import { chromium } from 'playwright-core';
import Fastify from 'fastify';
import { installErrorHandler, installHtmlSecurity, registerDocs } from '@parley/server';
const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
installErrorHandler(app); installHtmlSecurity(app); registerDocs(app, {});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless'] });
for (const [path, name] of [['/docs/sdk-documentation/api/classes/ParleyClient', 'api-client'], ['/docs/sdk-documentation/api', 'api-index']] as const) {
  for (const [w, scheme] of [[1280, 'light'], [390, 'dark']] as const) {
    const page = await browser.newPage({ viewport: { width: w, height: 1100 }, colorScheme: scheme });
    page.on('pageerror', (e) => console.log('pageerror', e.message));
    const r = await page.goto(`${url}${path}`);
    console.log(path, r?.status());
    await page.waitForTimeout(800);
    await page.screenshot({ path: `/tmp/${name}-${w}-${scheme}.png` });
    await page.close();
  }
}
await browser.close(); await app.close();
