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

  /** A tab with the SDK loaded from the server that joins, publishes camera+mic (unless told not to) and subscribes to everyone. */
  async function joinTab(channel: string, uid: number | string, tokenText = token(channel, uid), { publish = true } = {}): Promise<Page> {
    const page = await browser.context.newPage();
    // A page of the server's origin: http://127.0.0.1 is a secure context, so getUserMedia works.
    await page.goto(`${t.url}/healthz`);
    await page.setContent('<div id="remote"></div>');
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    await page.evaluate((url) => window.ParleyRTC.setServer(url), t.url);
    await page.evaluate(
      async ({ appId, channel, uid, token, publish }) => {
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
        await client.join(appId, channel, token, uid);
        if (!publish) return;
        const tracks = await window.ParleyRTC.createMicrophoneAndCameraTracks();
        await client.publish(tracks);
      },
      { appId: project.appId, channel, uid, token: tokenText, publish },
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

  it('carries stream messages and metadata to every other user, from one who never published too, within Agora\'s limits', async () => {
    const alice = await joinTab('data-call', 'alice');
    const bob = await joinTab('data-call', 'bob');
    const carol = await joinTab('data-call', 'carol', undefined, { publish: false });
    const tabs = { alice, bob, carol };
    // Listening opens each tab's data channel.
    for (const page of Object.values(tabs)) {
      await page.evaluate(() => {
        (window as any).heard = [];
        const heard = (line: string) => (window as any).heard.push(line);
        window.client.on('stream-message', (uid: string, payload: Uint8Array) => heard(`${uid}: ${new TextDecoder().decode(payload)}`));
        window.client.on('receive-metadata', (uid: string, data: Uint8Array) => heard(`${uid} metadata: ${[...data].join(',')}`));
      });
    }
    const heard = (page: Page) => page.evaluate(() => (window as any).heard as string[]);
    const send = (page: Page, message: unknown) => page.evaluate((message) => window.client.sendStreamMessage(message), message as any);
    // A message sent before a receiver's channel opened does not reach it: say hello until everyone heard everyone.
    await until(
      async () => {
        for (const page of Object.values(tabs)) await send(page, 'hello');
        return Promise.all(Object.values(tabs).map(heard));
      },
      (logs) => logs.every((log) => new Set(log).size === 2),
      15_000,
    );
    for (const [name, page] of Object.entries(tabs)) {
      const log = new Set(await heard(page));
      expect(log, name).toEqual(new Set(Object.keys(tabs).filter((other) => other !== name).map((other) => `${other}: hello`)));
      await page.evaluate(() => ((window as any).heard = []));
    }

    await send(alice, 'from alice');
    await bob.evaluate(() => window.client.sendStreamMessage({ payload: new TextEncoder().encode('from bob'), syncWithAudio: false }));
    await send(carol, 'from carol, who never published');
    await bob.evaluate(() => window.client.sendMetadata(new Uint8Array([9, 8, 7])));
    await until(() => Promise.all(Object.values(tabs).map(heard)), (logs) => logs.every((log) => log.length === 3), 5_000);
    expect(await heard(alice)).toEqual(['bob: from bob', 'carol: from carol, who never published', 'bob metadata: 9,8,7']);
    expect(await heard(bob)).toEqual(['alice: from alice', 'carol: from carol, who never published']);
    expect(await heard(carol)).toEqual(['alice: from alice', 'bob: from bob', 'bob metadata: 9,8,7']);

    // Agora's limits with Agora's codes: 1 KB a message, 1024 bytes of metadata, nothing before join.
    const refusals = await carol.evaluate(async () => {
      const code = (work: () => Promise<unknown>) => work().then(() => 'sent', (error: any) => String(error.code));
      const fresh = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      return {
        largest: await code(() => window.client.sendStreamMessage(new Uint8Array(1024))),
        oversize: await code(() => window.client.sendStreamMessage('x'.repeat(1025))),
        metadataOversize: await code(() => window.client.sendMetadata(new Uint8Array(1025))),
        beforeJoin: await code(() => fresh.sendStreamMessage('hi')),
        metadataBeforeJoin: await code(() => fresh.sendMetadata(new Uint8Array(1))),
      };
    });
    expect(refusals).toEqual({ largest: 'sent', oversize: 'INVALID_PARAMS', metadataOversize: 'METADATA_OUT_OF_RANGE', beforeJoin: 'INVALID_OPERATION', metadataBeforeJoin: 'INVALID_OPERATION' });

    // 30 messages a second: of 40 sent at once (after a second's rest), 30 go, in order, and 10 are refused.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await bob.evaluate(() => ((window as any).heard = []));
    const burst = await carol.evaluate(() =>
      Promise.all(Array.from({ length: 40 }, (_, i) => window.client.sendStreamMessage(`burst ${i}`).then(() => 'sent', (error: any) => String(error.code)))),
    );
    expect(burst.filter((result) => result === 'sent')).toHaveLength(30);
    expect(burst.filter((result) => result === 'STREAM_MESSAGE_FREQUENCY_TOO_HIGH')).toHaveLength(10);
    const bobHeard = await until(() => heard(bob), (log) => log.length >= 30, 5_000);
    expect(bobHeard).toEqual(burst.flatMap((result, i) => (result === 'sent' ? [`carol: burst ${i}`] : [])));
    // 6 KB a second: six 1 KB messages go, the seventh is refused.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const bytes = await carol.evaluate(async () => {
      const results: string[] = [];
      for (let i = 0; i < 7; i++) results.push(await window.client.sendStreamMessage(new Uint8Array(1024)).then(() => 'sent', (error: any) => String(error.code)));
      return results;
    });
    expect(bytes).toEqual([...Array(6).fill('sent'), 'STREAM_MESSAGE_FREQUENCY_TOO_HIGH']);
    for (const page of Object.values(tabs)) await page.close();
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
