/**
 * The quickstart apps of examples/quickstarts (plain JavaScript, React, Vue), built with Vite as
 * their READMEs say and used as people would: each is served from another origin than the Parley
 * server, the three join one channel from three Chromium tabs, each shows its own camera and the
 * two others' video, and Leave takes a user's tile away on the other tabs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { until } from '../browser/support/callTabs.ts';
import { BACKENDS } from '../support/backends.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from './support/browser.ts';
import { serveFolder, type StaticSite } from './support/staticSite.ts';

const QUICKSTARTS_DIR = path.resolve(import.meta.dirname, '../../examples/quickstarts');
const APPS = ['javascript', 'react', 'vue'] as const;
type App = (typeof APPS)[number];
const UIDS: Record<App, number> = { javascript: 5001, react: 5002, vue: 5003 };
const CHANNEL = 'quickstarts';
/** Where the screenshots of a call go, for a person to look at (test-results/ is git-ignored). */
const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-results/quickstarts');

/** Builds each app into `outDir/<app>/`, its server set as a reader's .env.local would set it. */
async function buildApps(outDir: string, parleyUrl: string): Promise<void> {
  process.env.VITE_PARLEY_SERVER = parleyUrl;
  try {
    // One after another: the machine has two cores and Chromium is waiting for none of them yet.
    for (const app of APPS) {
      await build({ root: path.join(QUICKSTARTS_DIR, app), base: './', logLevel: 'error', build: { outDir: path.join(outDir, app), emptyOutDir: true } });
    }
  } finally {
    delete process.env.VITE_PARLEY_SERVER;
  }
}

/** How wide the video a page plays for `uid` is (0: no tile or no picture); no uid: the local preview. */
const videoWidth = (page: Page, uid?: number) =>
  page.evaluate((uid) => {
    const tile = uid === undefined ? document.querySelector('#videos figure:not([data-uid])') : document.querySelector(`#videos [data-uid="${uid}"]`);
    return tile?.querySelector('video')?.videoWidth ?? 0;
  }, uid);
const remoteTiles = (page: Page) => page.evaluate(() => [...document.querySelectorAll('#videos [data-uid]')].map((tile) => Number(tile.getAttribute('data-uid'))).sort());

describe('the quickstart apps', () => {
  let t: TestServer;
  let project: CreatedProject;
  let browser: TestBrowser;
  let site: StaticSite;
  let outDir: string;
  let buildMs = 0;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-quickstarts-'));
    const started = performance.now();
    await buildApps(outDir, t.url);
    buildMs = performance.now() - started;
    site = await serveFolder(outDir);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await t?.stop();
    if (outDir) fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('build with Vite into static files', () => {
    for (const app of APPS) expect(fs.existsSync(path.join(outDir, app, 'index.html')), app).toBe(true);
    console.log(`quickstarts built in ${Math.round(buildMs)} ms`);
  });

  it('join one call from three tabs: each sees itself and the others, and Leave removes a tile elsewhere', { timeout: 60_000 }, async () => {
    const pages = {} as Record<App, Page>;
    for (const app of APPS) {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${app}: ${error.message}`));
      await page.goto(`${site.url}/${app}/`);
      // The form starts on the server the app was built for (VITE_PARLEY_SERVER).
      expect(await page.inputValue('input[name=server]')).toBe(t.url);
      const uid = UIDS[app];
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: CHANNEL, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
      await page.fill('input[name=appId]', project.appId);
      await page.fill('input[name=channel]', CHANNEL);
      await page.fill('input[name=token]', token);
      await page.fill('input[name=uid]', String(uid));
      await page.click('#join');
      pages[app] = page;
    }

    for (const app of APPS) {
      const page = pages[app];
      expect(await until(() => page.textContent('#status'), (text) => text?.startsWith('Joined') ?? false), app).toMatch(/^Joined quickstarts/);
      expect(await until(() => videoWidth(page), (width) => width > 0), `${app}: own camera`).toBeGreaterThan(0);
      for (const other of APPS.filter((name) => name !== app)) {
        expect(await until(() => videoWidth(page, UIDS[other]), (width) => width > 0), `${app} sees ${other}`).toBeGreaterThan(0);
      }
    }

    // A look at one app in the call, on a desktop and on a phone.
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await pages.react.screenshot({ path: path.join(SCREENSHOT_DIR, 'react-desktop.png'), fullPage: true });
    await pages.react.setViewportSize({ width: 390, height: 844 });
    await pages.react.screenshot({ path: path.join(SCREENSHOT_DIR, 'react-phone.png'), fullPage: true });

    // The mute buttons say what a second press does.
    await pages.react.click('#mute-video');
    expect(await until(() => pages.react.textContent('#mute-video'), (text) => text === 'Turn camera on')).toBe('Turn camera on');
    await pages.vue.click('#mute-audio');
    expect(await until(() => pages.vue.textContent('#mute-audio'), (text) => text === 'Unmute mic')).toBe('Unmute mic');

    // Leaving, one app after another: the others drop its tile, and its own grid empties.
    await pages.vue.click('#leave');
    expect(await until(() => remoteTiles(pages.javascript), (uids) => uids.length === 1)).toEqual([UIDS.react]);
    expect(await until(() => remoteTiles(pages.react), (uids) => uids.length === 1)).toEqual([UIDS.javascript]);
    expect(await remoteTiles(pages.vue)).toEqual([]);
    expect(await pages.vue.textContent('#status')).toBe('Left the channel');
    await pages.react.click('#leave');
    expect(await until(() => remoteTiles(pages.javascript), (uids) => uids.length === 0)).toEqual([]);
    await pages.javascript.click('#leave');
    expect(await until(() => pages.javascript.textContent('#status'), (text) => text === 'Left the channel')).toBe('Left the channel');
    expect(pageErrors).toEqual([]);
  });
});
