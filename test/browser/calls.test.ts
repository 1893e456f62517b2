/**
 * Real calls between headless Chromium tabs with fake camera and microphone, through the web SDK
 * and Parley's SFU: video frames decoded and audio received both ways, REST in step with the
 * call, join refusals, and the demo call page working for a newcomer.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import type { CreatedProject } from '@parley/server';

declare global {
  interface Window {
    ParleyRTC: any;
    client: any;
    log: string[];
  }
}

describe('calls in Chromium through the web SDK', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let auth: string;

  const token = (channel: string, uid: number | string, seconds = 600) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: seconds, privilegeExpireSeconds: seconds });

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_DEV: 'true' }, { bootstrap: true });
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /**
   * A tab with the SDK loaded from the server that joins, publishes camera+mic and subscribes to
   * everyone. `dualStream` turns dual stream on before publishing; `publish: false` only watches;
   * `lowByDefault` asks for the low layer of every dual-stream video, before joining.
   */
  async function joinTab(
    channel: string,
    uid: number | string,
    tokenText = token(channel, uid),
    options: { dualStream?: boolean; publish?: boolean; lowByDefault?: boolean } = {},
  ): Promise<Page> {
    const page = await browser.context.newPage();
    // A page of the server's origin: http://127.0.0.1 is a secure context, so getUserMedia works.
    await page.goto(`${t.url}/healthz`);
    await page.setContent('<div id="remote"></div>');
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    await page.evaluate((url) => window.ParleyRTC.setServer(url), t.url);
    await page.evaluate(
      async ({ appId, channel, uid, token, options }) => {
        window.log = [];
        const client = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
        window.client = client;
        client.on('user-published', async (user: any, kind: 'audio' | 'video') => {
          await client.subscribe(user, kind);
          if (kind === 'video') user.videoTrack.play('remote');
          else user.audioTrack.play();
        });
        client.on('user-left', (user: any, reason: string) => window.log.push(`left:${user.uid}:${reason}`));
        client.on('connection-state-change', (state: string, _prev: string, reason?: string) => window.log.push(`state:${state}:${reason ?? ''}`));
        client.on('published-user-list', (users: any[]) => window.log.push(`published-list:${users.map((u) => u.uid).join(',')}`));
        client.on('peerconnection-state-change', (current: string) => window.log.push(`pc:${current}`));
        client.on('stream-type-changed', (uid: string, streamType: number) => window.log.push(`stream-type:${uid}:${streamType}`));
        if (options.lowByDefault) await client.setRemoteDefaultVideoStreamType(1);
        await client.join(appId, channel, token, uid);
        if (options.dualStream) await client.enableDualStream();
        if (options.publish === false) return;
        const tracks = await window.ParleyRTC.createMicrophoneAndCameraTracks();
        await client.publish(tracks);
      },
      { appId: project.appId, channel, uid, token: tokenText, options },
    );
    return page;
  }

  async function decodedFrom(page: Page, uid: number | string): Promise<{ frames: number; audioBytes: number }> {
    return page.evaluate(async (uid) => {
      const video = (await window.client.getRemoteVideoStats())[uid];
      const audio = (await window.client.getRemoteAudioStats())[uid];
      return { frames: video?.framesDecoded ?? 0, audioBytes: audio?.receiveBytes ?? 0 };
    }, uid);
  }

  /** What `page` decodes of `uid`'s video now: frame size and frames decoded so far (the SDK's stats, every second). */
  async function videoFrom(page: Page, uid: number | string): Promise<{ width: number; height: number; decoded: number; freezes: number }> {
    return page.evaluate((uid) => {
      const stats = window.client.getRemoteVideoStats()[uid];
      return { width: stats?.receiveResolutionWidth ?? 0, height: stats?.receiveResolutionHeight ?? 0, decoded: stats?.framesDecoded ?? 0, freezes: stats?.freezeCount ?? 0 };
    }, uid);
  }

  async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (ok(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  const participants = async (channel: string) =>
    ((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}`, { auth })).body.data?.participants ?? []).map((p: any) => p.uid).sort();

  it('two tabs see and hear each other; REST lists both, then reflects leave and kick within 2 s', async () => {
    const alice = await joinTab('browser-call', 'alice');
    const bob = await joinTab('browser-call', 'bob');

    const fromBob = await until(() => decodedFrom(alice, 'bob'), (s) => s.frames >= 30 && s.audioBytes > 0);
    const fromAlice = await until(() => decodedFrom(bob, 'alice'), (s) => s.frames >= 30 && s.audioBytes > 0);
    expect(fromBob.frames).toBeGreaterThanOrEqual(30);
    expect(fromBob.audioBytes).toBeGreaterThan(0);
    expect(fromAlice.frames).toBeGreaterThanOrEqual(30);
    expect(fromAlice.audioBytes).toBeGreaterThan(0);
    // Agora's join-time list and media connection states: bob joined after alice published.
    const bobLog = await bob.evaluate(() => window.log);
    expect(bobLog).toContain('published-list:alice');
    expect(bobLog).toContain('pc:connected');
    expect((await alice.evaluate(() => window.log)).filter((l) => l.startsWith('published-list:'))).toEqual(['published-list:']);

    const channel = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/browser-call`, { auth })).body.data;
    expect(channel.participants).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ uid: 'alice', publishingAudio: true, publishingVideo: true }),
        expect.objectContaining({ uid: 'bob', publishingAudio: true, publishingVideo: true }),
      ]),
    );

    await bob.evaluate(() => window.client.leave());
    const afterLeave = Date.now();
    expect(await until(() => participants('browser-call'), (uids) => uids.length === 1, 2_000)).toEqual(['alice']);
    expect(Date.now() - afterLeave).toBeLessThan(2_000);
    await until(() => alice.evaluate(() => window.log), (log) => log.includes('left:bob:Quit'), 2_000);

    const carol = await joinTab('browser-call', 'carol');
    await until(() => participants('browser-call'), (uids) => uids.length === 2);
    const kickedAt = Date.now();
    expect((await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/browser-call/users/carol/kick`, { auth })).status).toBe(200);
    expect(await until(() => participants('browser-call'), (uids) => uids.length === 1, 2_000)).toEqual(['alice']);
    expect(Date.now() - kickedAt).toBeLessThan(2_000);
    const carolLog = await until(() => carol.evaluate(() => window.log), (log) => log.some((l) => l.startsWith('state:DISCONNECTED')), 2_000);
    expect(carolLog.find((l) => l.startsWith('state:DISCONNECTED'))).toMatch(/UID_BANNED|SERVER_KICKED/);
    for (const page of [alice, bob, carol]) await page.close();
  });

  it('reports who is speaking every 2 s after enableAudioVolumeIndicator, and the network quality every 2 s', async () => {
    const ada = await joinTab('volume-call', 'ada');
    const ben = await joinTab('volume-call', 'ben');
    await until(() => decodedFrom(ada, 'ben'), (s) => s.audioBytes > 0);
    await ada.evaluate(() => {
      (window as any).volumes = [];
      window.client.on('volume-indicator', (levels: unknown) => (window as any).volumes.push({ at: Date.now(), levels }));
      window.client.enableAudioVolumeIndicator();
    });
    await ada.waitForFunction(() => (window as any).volumes.length >= 1, null, { timeout: 5_000 });
    // The level meters' AudioContext starts suspended until a user gesture on the page (in the front tab).
    await ada.bringToFront();
    await ada.mouse.click(2, 2);
    await ada.evaluate(() => window.ParleyRTC.resumeAudioContext());
    await ada.waitForFunction(() => (window as any).volumes.length >= 4, null, { timeout: 10_000 });
    const reports = await ada.evaluate(() => (window as any).volumes as Array<{ at: number; levels: Array<{ uid: string; level: number }> }>);
    const gaps = reports.slice(1).map((r, i) => r.at - reports[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThan(1_500);
    for (const report of reports) expect(report.levels.map((l) => l.uid).sort()).toEqual(['ada', 'ben']);
    for (const { level } of reports.flatMap((r) => r.levels)) {
      expect(level).toBeGreaterThanOrEqual(0);
      expect(level).toBeLessThanOrEqual(100);
    }
    // Chromium's fake microphone beeps: after the click, ben is heard above silence at least once.
    expect(Math.max(...reports.slice(1).flatMap((r) => r.levels.filter((l) => l.uid === 'ben').map((l) => l.level)))).toBeGreaterThan(1);

    // network-quality comes every 2 s without being asked; loopback carries everything: 1 or 2 both ways.
    const qualities = await ada.evaluate(async () => {
      const seen: Array<{ uplinkNetworkQuality: number; downlinkNetworkQuality: number }> = [];
      window.client.on('network-quality', (quality: any) => seen.push(quality));
      await new Promise((resolve) => setTimeout(resolve, 4_500));
      return { seen, latest: window.client.getLocalNetworkQuality() };
    });
    expect(qualities.seen.length).toBeGreaterThanOrEqual(2);
    for (const quality of qualities.seen) {
      expect(quality.uplinkNetworkQuality).toBeGreaterThanOrEqual(1);
      expect(quality.uplinkNetworkQuality).toBeLessThanOrEqual(2);
      expect(quality.downlinkNetworkQuality).toBeGreaterThanOrEqual(1);
      expect(quality.downlinkNetworkQuality).toBeLessThanOrEqual(2);
    }
    expect(qualities.latest).toEqual(qualities.seen.at(-1));
    for (const page of [ada, ben]) await page.close();
  });

  it('dual stream: a subscriber switches to the low layer and back without a freeze, another keeps the high one', async () => {
    const publisher = await joinTab('dual-stream', 'pub', undefined, { dualStream: true });
    const switcher = await joinTab('dual-stream', 'switcher', undefined, { publish: false });
    const watcher = await joinTab('dual-stream', 'watcher', undefined, { publish: false });
    const high = await until(() => videoFrom(switcher, 'pub'), (v) => v.width === 640 && v.decoded > 20);
    expect(high).toMatchObject({ width: 640, height: 480 });
    const watcherAtStart = await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 640 && v.decoded > 20);
    expect(watcherAtStart.width).toBe(640);

    const asked = Date.now();
    await switcher.evaluate(() => window.client.setRemoteVideoStreamType('pub', 1));
    const low = await until(() => videoFrom(switcher, 'pub'), (v) => v.width === 160, 10_000);
    const switchMs = Date.now() - asked;
    expect(low).toMatchObject({ width: 160, height: 120 });
    expect(await switcher.evaluate(() => window.log)).toContain('stream-type:pub:1');
    // Frames keep coming on the low layer: decoded at its 15 fps, with no freeze at the switch.
    const lowLater = await until(() => videoFrom(switcher, 'pub'), (v) => v.decoded >= low.decoded + 15, 5_000);
    expect(lowLater.decoded).toBeGreaterThanOrEqual(low.decoded + 15);
    expect(lowLater.width).toBe(160);
    // The other subscriber never left the high layer. On a loaded machine both may see freezes
    // (Chromium counts a frame late by 150 ms as one); the switch must not add more than one.
    const watched = await videoFrom(watcher, 'pub');
    expect(watched.width).toBe(640);
    expect(lowLater.freezes - high.freezes).toBeLessThanOrEqual(Math.max(1, watched.freezes - watcherAtStart.freezes + 1));

    await switcher.evaluate(() => window.client.setRemoteVideoStreamType('pub', 0));
    const back = await until(() => videoFrom(switcher, 'pub'), (v) => v.width === 640, 10_000);
    expect(back.width).toBe(640);
    expect((await until(() => videoFrom(switcher, 'pub'), (v) => v.decoded >= back.decoded + 15, 5_000)).decoded).toBeGreaterThanOrEqual(back.decoded + 15);
    expect(await switcher.evaluate(() => window.log)).toContain('stream-type:pub:0');
    expect((await videoFrom(watcher, 'pub')).width).toBe(640);
    expect((await watcher.evaluate(() => window.log)).filter((l) => l.startsWith('stream-type:'))).toEqual([]);
    console.log(`dual stream: switch to low seen after ${switchMs} ms; switcher freezes ${high.freezes} → ${lowLater.freezes}, watcher ${watcherAtStart.freezes} → ${watched.freezes}`);
    for (const page of [publisher, switcher, watcher]) await page.close();
  });

  it('dual stream turned on and off after publishing: a subscriber that asked for the low layer gets it, then the full picture again', async () => {
    const publisher = await joinTab('dual-toggle', 'pub');
    const watcher = await joinTab('dual-toggle', 'low-watcher', undefined, { publish: false, lowByDefault: true });
    // The publisher sends one stream: the only layer there is, whatever was asked.
    await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 640 && v.decoded > 10);
    await publisher.evaluate(() => window.client.enableDualStream());
    const low = await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 160, 15_000);
    expect(low.width).toBe(160);
    expect((await until(() => videoFrom(watcher, 'pub'), (v) => v.decoded >= low.decoded + 10, 5_000)).decoded).toBeGreaterThanOrEqual(low.decoded + 10);
    await publisher.evaluate(() => window.client.disableDualStream());
    const full = await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 640, 15_000);
    expect(full.width).toBe(640);
    expect((await until(() => videoFrom(watcher, 'pub'), (v) => v.decoded >= full.decoded + 10, 5_000)).decoded).toBeGreaterThanOrEqual(full.decoded + 10);
    for (const page of [publisher, watcher]) await page.close();
  });

  it('refuses an expired token, a token for another channel and a banned uid at join', async () => {
    const page = await browser.context.newPage();
    await page.setContent('<div></div>');
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    await page.evaluate((url) => window.ParleyRTC.setServer(url), t.url);
    await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/guarded/users/mallory/kick`, { auth, body: { banSeconds: 120 } });
    const expired = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'guarded', uid: 'eve', role: 'publisher', tokenExpireSeconds: 5, issueTs: Math.floor(Date.now() / 1000) - 60 });
    const attempts = [
      { uid: 'eve', token: expired },
      { uid: 'eve', token: token('another-channel', 'eve') },
      { uid: 'mallory', token: token('guarded', 'mallory') },
    ];
    const codes = await page.evaluate(
      async ({ appId, attempts }) => {
        const results: string[] = [];
        for (const attempt of attempts) {
          const client = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
          try {
            await client.join(appId, 'guarded', attempt.token, attempt.uid);
            results.push('joined');
          } catch (error: any) {
            results.push(String(error.code));
          }
        }
        return results;
      },
      { appId: project.appId, attempts },
    );
    expect(codes).toEqual(['token_expired', 'forbidden', 'banned']);
    await page.close();
  });

  it('puts two tabs of the demo call page in a call, with tokens for the demo project', async () => {
    const tabs: Page[] = [];
    for (const name of ['Ada', 'Grace']) {
      const page = await browser.context.newPage();
      await page.goto(`${t.url}/call`);
      await page.getByRole('textbox', { name: 'Channel' }).fill('demo-room');
      await page.getByRole('textbox', { name: 'Your name' }).fill(name);
      await page.getByRole('button', { name: 'Join' }).click();
      tabs.push(page);
    }
    for (const page of tabs) {
      // Each tab shows the other's video playing.
      await page.waitForFunction(() => [...document.querySelectorAll('video')].filter((v) => v.videoWidth > 0 && !v.paused).length >= 2, null, { timeout: 20_000 });
    }
    const demoAppId = t.server.firstRun!.appId;
    const demo = await call(t.url, 'GET', `/v1/projects/${demoAppId}/channels/demo-room`, {
      auth: basic(t.server.firstRun!.customerId, t.server.firstRun!.customerSecret!),
    });
    expect(demo.body.data.participants.map((p: any) => p.uid).sort()).toEqual(['Ada', 'Grace']);
    for (const page of tabs) await page.close();
  });
});
