/**
 * The four Agora-style samples in examples/agora-web-samples (basic call, live broadcast with an
 * audience, screen share, call-quality statistics), each run in Chromium against a real Parley
 * server with one change: the line that loads Agora's SDK from Agora's CDN now loads Parley's from
 * the server. The pages are served from another origin than the server, as an app would be, and
 * used as people use them: fill the form, press the buttons, look at what the page shows.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from './support/browser.ts';
import { serveFolder, type StaticSite } from './support/staticSite.ts';

const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../examples/agora-web-samples');
const AGORA_SCRIPT = '<script src="https://download.agora.io/sdk/release/AgoraRTC_N-4.24.8.js"></script>';

/** The sample's page with Agora's script tag swapped for Parley's, and nothing else changed. */
function swapScript(html: string, parleyUrl: string): string {
  const swapped = html.replace(AGORA_SCRIPT, `<script src="${parleyUrl}/sdk/parley-rtc.js"></script>`);
  const changed = html.split('\n').filter((line, index) => line !== swapped.split('\n')[index]);
  if (changed.length !== 1 || !changed[0]!.includes(AGORA_SCRIPT)) throw new Error('a sample must load Agora\'s SDK on exactly one line');
  return swapped;
}

/** Serves the samples folder, each index.html with its script swapped. */
function serveSamples(parleyUrl: string): Promise<StaticSite> {
  return serveFolder(SAMPLES_DIR, (file, text) => (file.endsWith('index.html') ? swapScript(text, parleyUrl) : text));
}

async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The size of the video `page` plays for `uid` in the remote player list (0 when none). */
const remoteVideoWidth = (page: Page, uid: number) =>
  page.evaluate((uid) => document.querySelector<HTMLVideoElement>(`#player-wrapper-${uid} video`)?.videoWidth ?? 0, uid);

const remotePlayers = (page: Page) => page.evaluate(() => [...document.querySelectorAll('#remote-playerlist .player-wrapper')].map((node) => node.id));

describe('Agora-style sample apps on Parley with only the script tag swapped', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let samples: StaticSite;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    samples = await serveSamples(t.url);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await samples?.close();
    await t?.stop();
  });

  /** Opens a sample and fills its join form as a person would. */
  async function open(sample: string, channel: string, uid: number): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${sample} ${uid}: ${error.message}`));
    await page.goto(`${samples.url}/${sample}/index.html`);
    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    await page.fill('#appid', project.appId);
    await page.fill('#channel', channel);
    await page.fill('#token', token);
    await page.fill('#uid', String(uid));
    return page;
  }

  const status = (page: Page) => until(() => page.textContent('#status'), (text) => Boolean(text));

  it('basic call: two people see each other, the camera turned off and leaving show on the other side', { timeout: 60_000 }, async () => {
    const ada = await open('basic-call', 'sample-basic', 1001);
    const ben = await open('basic-call', 'sample-basic', 1002);
    await ada.click('#join');
    await ben.click('#join');
    expect(await status(ada)).toBe('Joined sample-basic as uid 1001');
    expect(await until(() => remoteVideoWidth(ada, 1002), (width) => width > 0)).toBeGreaterThan(0);
    expect(await until(() => remoteVideoWidth(ben, 1001), (width) => width > 0)).toBeGreaterThan(0);

    await ada.click('#mute-video');
    expect(await until(() => remotePlayers(ben), (ids) => ids.length === 0)).toEqual([]);
    await ada.click('#mute-video');
    expect(await until(() => remoteVideoWidth(ben, 1001), (width) => width > 0)).toBeGreaterThan(0);

    await ben.click('#leave');
    expect(await until(() => remotePlayers(ada), (ids) => ids.length === 0)).toEqual([]);
    expect(await ben.textContent('#status')).toBe('Left the channel');
    expect(pageErrors).toEqual([]);
    await ada.close();
    await ben.close();
  });

  it('live broadcast: the audience watches unseen, goes on stage and steps down again', { timeout: 60_000 }, async () => {
    const host = await open('live-broadcast', 'sample-live', 2001);
    const viewer = await open('live-broadcast', 'sample-live', 2002);
    await host.click('#host-join');
    expect(await status(host)).toBe('Joined sample-live as host');
    await viewer.click('#audience-join');
    expect(await status(viewer)).toBe('Joined sample-live as audience');
    expect(await until(() => remoteVideoWidth(viewer, 2001), (width) => width > 0)).toBeGreaterThan(0);
    // The audience is invisible to hosts, as in Agora.
    expect(await remotePlayers(host)).toEqual([]);

    await viewer.click('#go-live');
    expect(await until(() => viewer.textContent('#role'), (role) => role === 'host')).toBe('host');
    expect(await until(() => remoteVideoWidth(host, 2002), (width) => width > 0)).toBeGreaterThan(0);

    await viewer.click('#leave-stage');
    expect(await until(() => remotePlayers(host), (ids) => ids.length === 0)).toEqual([]);
    expect(await viewer.textContent('#role')).toBe('audience');
    expect(await remoteVideoWidth(viewer, 2001)).toBeGreaterThan(0);
    expect(pageErrors).toEqual([]);
    await host.close();
    await viewer.close();
  });

  it('screen share: microphone, screen and its sound published together reach the audience', { timeout: 60_000 }, async () => {
    const sharer = await open('screen-share', 'sample-screen', 3001);
    const viewer = await open('screen-share', 'sample-screen', 3002);
    await sharer.click('#host-join');
    // The fake picker shares the screen's sound: three tracks, two of them audio, in one publish.
    expect(await status(sharer)).toBe('Sharing: 3 tracks published');
    await viewer.click('#audience-join');
    expect(await status(viewer)).toBe('Watching');
    // "720p" asks for 1280 × 720: more than a camera's 640.
    expect(await until(() => remoteVideoWidth(viewer, 3001), (width) => width > 640)).toBeGreaterThan(640);
    expect(pageErrors).toEqual([]);
    await sharer.close();
    await viewer.close();
  });

  it('call quality: every statistic the page shows is a number, for the session, the local tracks and the other person', { timeout: 60_000 }, async () => {
    const ada = await open('call-quality', 'sample-stats', 4001);
    const ben = await open('call-quality', 'sample-stats', 4002);
    expect(await ada.textContent('#supported')).toBe('true');
    expect(await until(() => ada.textContent('#codecs'), (text) => Boolean(text))).toContain('VP8');
    await ada.click('#join');
    await ben.click('#join');
    expect(await until(() => remoteVideoWidth(ada, 4002), (width) => width > 0)).toBeGreaterThan(0);

    const shown = (selector: string) =>
      ada.evaluate((selector) => Object.fromEntries([...document.querySelectorAll<HTMLElement>(`${selector} dd`)].map((dd) => [dd.dataset.stat, dd.textContent])), selector);
    const numeric = (stats: Record<string, string | null>) => Object.values(stats).every((text) => /^-?\d+(\.\d+)? ?[a-z%]*$/.test(text ?? ''));
    const remote = await until(() => shown('#player-wrapper-4002 .track-stats'), (stats) => Object.keys(stats).length > 0 && Number.parseInt(stats['Video bytes received'] ?? '0') > 0);
    const session = await shown('#client-stats');
    const local = await until(() => shown('#local-stats'), (stats) => Number.parseInt(stats['Video bytes sent'] ?? '0') > 0);
    for (const stats of [session, local, remote]) expect(stats, JSON.stringify(stats)).toSatisfy(numeric);
    expect(Object.keys(session)).toHaveLength(8);
    expect(Object.keys(local)).toHaveLength(15);
    expect(Object.keys(remote)).toHaveLength(15);
    expect(session['Users in the channel']).toBe('2');
    // 640 from the camera, or a step below it while the sender's encoder adapts on a busy machine.
    expect(Number(remote['Received width'])).toBeGreaterThan(0);
    expect(Number(remote['Received width'])).toBeLessThanOrEqual(640);

    // network-quality every 2 s: both links rated 1 (excellent) to 6, never "unknown" once measured.
    const uplink = await until(() => ada.textContent('#uplink'), (text) => /^[1-6]$/.test(text ?? ''), 10_000);
    expect(uplink).toMatch(/^[1-6]$/);
    expect(await ada.textContent('#downlink')).toMatch(/^[0-6]$/);
    expect(pageErrors).toEqual([]);
    await ada.close();
    await ben.close();
  });
});
