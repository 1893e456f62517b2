import { chromium } from 'playwright-core';
const base = process.argv[2]!;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
for (const [w, scheme] of [[1280, 'light'], [390, 'dark']] as const) {
  const page = await browser.newPage({ viewport: { width: w, height: 900 }, colorScheme: scheme });
  await page.goto(`${base}/call-quality/index.html`);
  await page.screenshot({ path: `/tmp/sample-${w}-${scheme}.png`, fullPage: true });
}
await browser.close();
