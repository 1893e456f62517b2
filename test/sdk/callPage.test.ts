/**
 * The demo call page against a real server in dev mode, as a newcomer uses it: open /call in two
 * tabs, press Join in each, and both are in a call — each sees the other's video, mute shows,
 * leaving removes the tile.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loadConfig, startServer, type RunningServer } from '@parley/server';
import { buildSdk } from '../../packages/sdk-web/scripts/build.ts';
import { launchChromium, type TestBrowser } from './support/browser.ts';

interface TileView {
  name: string;
  local: boolean;
  videoWidth: number;
  videoHeight: number;
  showsVideo: boolean;
  micOff: boolean;
}

function tiles(page: Page): Promise<TileView[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#grid .tile')].map((tile) => ({
      name: tile.querySelector('.name')?.textContent ?? '',
      local: tile.classList.contains('local'),
      videoWidth: tile.querySelector('video')?.videoWidth ?? 0,
      videoHeight: tile.querySelector('video')?.videoHeight ?? 0,
      showsVideo: tile.classList.contains('has-video'),
      micOff: !(tile.querySelector('.mic-off') as HTMLElement).hidden,
    })),
  );
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function startDevServer(bootstrap: boolean): Promise<{ server: RunningServer; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-call-page-'));
  const config = loadConfig({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'silent', PARLEY_DEV: 'true', PARLEY_RTC_UDP_PORT: '0' });
  return { server: await startServer(config, { bootstrap }), dataDir };
}

describe('the demo call page', () => {
  let browser: TestBrowser;
  let dev: { server: RunningServer; dataDir: string };

  beforeAll(async () => {
    // The server reads the bundle once at startup: build it first, as `npm start` does.
    await buildSdk();
    dev = await startDevServer(true);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await dev?.server.close();
    if (dev) fs.rmSync(dev.dataDir, { recursive: true, force: true });
  });

  it('puts two tabs that press Join in one call, with mute and leave shown to the other', async () => {
    const [first, second] = [await browser.context.newPage(), await browser.context.newPage()];
    await first.goto(`${dev.server.url}/call`);
    await second.goto(`${dev.server.url}/call`);
    const firstName = await first.inputValue('#display-name');
    const secondName = await second.inputValue('#display-name');
    expect(firstName).not.toBe(secondName);
    expect(await first.inputValue('#channel')).toBe(await second.inputValue('#channel'));

    await first.click('#join-button');
    await second.click('#join-button');
    const bothPlaying = (views: TileView[]) => views.length === 2 && views.every((tile) => tile.videoWidth > 0 && tile.showsVideo);
    // Names travel as stream messages, apart from the media: until the other tab's hello arrives
    // its tile shows its uid (seen once in a full run: the video played first).
    const firstView = await eventually(() => tiles(first), (views) => bothPlaying(views) && views.some((tile) => tile.name === secondName));
    expect(firstView).toEqual([
      { name: `${firstName} (you)`, local: true, videoWidth: 640, videoHeight: 480, showsVideo: true, micOff: false },
      { name: secondName, local: false, videoWidth: expect.any(Number), videoHeight: expect.any(Number), showsVideo: true, micOff: false },
    ]);
    // The sender's encoder may scale the picture down while its CPU or the new link's estimate is
    // short (Chromium's "balanced" adaptation on a busy machine): the other tab sees the camera's
    // 4:3 picture at 640×480 or a scaled-down step of it, never a blank or distorted one.
    const remote = firstView[1]!;
    expect(remote.videoWidth).toBeGreaterThanOrEqual(160);
    expect(remote.videoWidth).toBeLessThanOrEqual(640);
    expect(remote.videoWidth * 3).toBe(remote.videoHeight * 4);
    expect(bothPlaying(await eventually(() => tiles(second), bothPlaying))).toBe(true);
    expect(await first.textContent('#connection-state')).toBe('connected');
    expect(await first.textContent('[role="status"]')).toContain('You are in the call');

    await first.click('#mic-button');
    await first.click('#camera-button');
    expect(await first.getAttribute('#mic-button', 'aria-pressed')).toBe('true');
    const firstSeenMuted = (views: TileView[]) => views.some((tile) => tile.name === firstName && tile.micOff && !tile.showsVideo);
    expect(firstSeenMuted(await eventually(() => tiles(second), firstSeenMuted))).toBe(true);

    await first.click('#leave-button');
    const alone = (views: TileView[]) => views.length === 1;
    expect(await eventually(() => tiles(second), alone)).toEqual([expect.objectContaining({ name: `${secondName} (you)` })]);
    expect(await first.isVisible('#join-form')).toBe(true);
    await first.close();
    await second.close();
  });

  it('joins as a viewer when camera and microphone are denied, says so, and still sees the others', async () => {
    const viewer = await browser.context.newPage();
    await viewer.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    const host = await browser.context.newPage();
    await host.goto(`${dev.server.url}/call?channel=viewer-room`);
    await viewer.goto(`${dev.server.url}/call?channel=viewer-room`);
    await host.click('#join-button');
    await viewer.click('#join-button');
    const status = await eventually(
      () => viewer.textContent('[role="status"]'),
      (text) => Boolean(text?.includes('as a viewer')),
    );
    expect(status).toContain('You joined as a viewer: access to the camera and microphone was denied');
    const seesHost = (views: TileView[]) => views.length === 2 && views.some((tile) => !tile.local && tile.videoWidth > 0);
    expect(seesHost(await eventually(() => tiles(viewer), seesHost))).toBe(true);
    expect(await viewer.isDisabled('#mic-button')).toBe(true);
    const hostSeesViewer = (views: TileView[]) => views.some((tile) => !tile.local && !tile.showsVideo && tile.micOff);
    expect(hostSeesViewer(await eventually(() => tiles(host), hostSeesViewer))).toBe(true);
    await viewer.close();
    await host.close();
  });

  it('explains a missing name next to the field, without joining', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${dev.server.url}/call`);
    await page.fill('#display-name', '   ');
    await page.click('#join-button');
    expect(await page.isVisible('#name-error')).toBe(true);
    expect(await page.textContent('#name-error')).toContain('Enter a name');
    expect(await page.getAttribute('#display-name', 'aria-invalid')).toBe('true');
    expect(await page.isVisible('#call-panel')).toBe(false);
    await page.close();
  });

  it('says the demo needs dev mode when the server has no demo project', async () => {
    const bare = await startDevServer(false);
    try {
      const page = await browser.context.newPage();
      await page.goto(`${bare.server.url}/call`);
      await page.click('#join-button');
      const status = await eventually(
        () => page.textContent('[role="status"]'),
        (text) => Boolean(text?.includes('dev mode')),
      );
      expect(status).toBe('The demo project mints tokens only when the server runs in dev mode (npm start). Signed in to the console? Open a project\u2019s \u201cTry a call\u201d page.');
      await page.close();
    } finally {
      await bare.server.close();
      fs.rmSync(bare.dataDir, { recursive: true, force: true });
    }
  });
});
