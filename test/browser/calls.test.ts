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
import { callTabs, until, type CallTabs } from './support/callTabs.ts';
import type { CreatedProject } from '@parley/server';

describe('calls in Chromium through the web SDK', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let auth: string;
  let joinTab: CallTabs['joinTab'];
  let decodedFrom: CallTabs['decodedFrom'];

  const token = (channel: string, uid: number | string, seconds = 600) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: seconds, privilegeExpireSeconds: seconds });

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_DEV: 'true' }, { bootstrap: true });
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    browser = await launchChromium();
    ({ joinTab, decodedFrom } = callTabs(browser, t.url, project.appId, token));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

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

  it('mutes as Agora does: setEnabled(false) releases the camera, subscribers see user-unpublished and no picture; back on, they subscribe again', async () => {
    const ada = await joinTab('mute-call', 'ada');
    const ben = await joinTab('mute-call', 'ben');
    await until(() => decodedFrom(ben, 'ada'), (s) => s.frames >= 10 && s.audioBytes > 0);
    await ben.evaluate(() => {
      window.client.on('user-info-updated', (uid: string, msg: string) => window.log.push(`info:${uid}:${msg}`));
      window.client.on('user-unpublished', (user: any, kind: string) => window.log.push(`unpublished:${user.uid}:${kind}`));
      window.client.on('user-published', (user: any, kind: string) => window.log.push(`published:${user.uid}:${kind}`));
    });
    const videoOf = (page: Page) => page.evaluate(() => window.client.localTracks.find((t: any) => t.trackMediaType === 'video'));
    expect(await videoOf(ada)).toBeTruthy();

    const camera = await ada.evaluate(async () => {
      const video = window.client.localTracks.find((t: any) => t.trackMediaType === 'video');
      await video.setEnabled(false);
      return { state: video.getMediaStreamTrack().readyState, enabled: video.enabled };
    });
    expect(camera).toEqual({ state: 'ended', enabled: false });
    const offLog = await until(() => ben.evaluate(() => window.log), (log) => log.includes('unpublished:ada:video'), 5_000);
    expect(offLog.filter((l) => l.includes(':ada:') && /video/.test(l))).toEqual(['info:ada:mute-video', 'unpublished:ada:video']);
    const seen = await ben.evaluate(() => {
      const ada = window.client.remoteUsers.find((u: any) => u.uid === 'ada');
      return { hasVideo: ada.hasVideo, videoTrack: ada.videoTrack === undefined, videos: document.querySelectorAll('#remote video').length };
    });
    // No frozen or black picture is left on ben's screen.
    expect(seen).toEqual({ hasVideo: false, videoTrack: true, videos: 0 });
    const refused = await ben.evaluate(async () => {
      const ada = window.client.remoteUsers.find((u: any) => u.uid === 'ada');
      return window.client.subscribe(ada, 'video').then(() => 'subscribed', (error: any) => error.code);
    });
    expect(refused).toBe('REMOTE_USER_IS_NOT_PUBLISHED');
    const rest = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/mute-call`, { auth })).body.data.participants.find((p: any) => p.uid === 'ada');
    expect(rest).toMatchObject({ publishingAudio: true, publishingVideo: false });

    // Back on: the camera opens again, ben's user-published handler subscribes and plays it.
    const before = (await decodedFrom(ben, 'ada')).frames;
    expect(await ada.evaluate(async () => {
      const video = window.client.localTracks.find((t: any) => t.trackMediaType === 'video');
      await video.setEnabled(true);
      return video.getMediaStreamTrack().readyState;
    })).toBe('live');
    await until(() => ben.evaluate(() => window.log), (log) => log.includes('published:ada:video'), 5_000);
    expect((await until(() => decodedFrom(ben, 'ada'), (s) => s.frames > before + 10)).frames).toBeGreaterThan(before + 10);
    expect(await ben.evaluate(() => document.querySelectorAll('#remote video').length)).toBe(1);

    // setMuted keeps the microphone open; the subscriber sees the same events.
    const mic = await ada.evaluate(async () => {
      const audio = window.client.localTracks.find((t: any) => t.trackMediaType === 'audio');
      await audio.setMuted(true);
      return audio.getMediaStreamTrack().readyState;
    });
    expect(mic).toBe('live');
    const mutedLog = await until(() => ben.evaluate(() => window.log), (log) => log.includes('unpublished:ada:audio'), 5_000);
    expect(mutedLog.filter((l) => /ada:(mute-|un)?audio|ada:audio/.test(l))).toEqual(['info:ada:mute-audio', 'unpublished:ada:audio']);
    for (const page of [ada, ben]) await page.close();
  });

  it('refuses an expired token, a token for another channel and a banned uid at join with Agora\'s code and the reason', async () => {
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
            results.push(`${error.code} ${error.reason}`);
          }
        }
        return results;
      },
      { appId: project.appId, attempts },
    );
    expect(codes).toEqual(['CAN_NOT_GET_GATEWAY_SERVER token_expired', 'CAN_NOT_GET_GATEWAY_SERVER forbidden', 'CAN_NOT_GET_GATEWAY_SERVER banned']);
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
