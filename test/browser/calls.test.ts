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

  /** What `page` decodes of `uid`'s video now: frame size and frames decoded so far (the SDK's stats, every second). */
  async function videoFrom(page: Page, uid: number | string): Promise<{ width: number; height: number; decoded: number; freezes: number }> {
    return page.evaluate((uid) => {
      const stats = window.client.getRemoteVideoStats()[uid];
      return { width: stats?.receiveResolutionWidth ?? 0, height: stats?.receiveResolutionHeight ?? 0, decoded: stats?.framesDecoded ?? 0, freezes: stats?.freezeCount ?? 0 };
    }, uid);
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

  it('gives tracks Agora\'s per-track calls: transceivers, stats, frame images, visibility, raw audio frames and volumes', async () => {
    const ada = await joinTab('track-calls', 'ada');
    const ben = await joinTab('track-calls', 'ben');
    await until(() => decodedFrom(ben, 'ada'), (s) => s.frames >= 10 && s.audioBytes > 0);
    for (const page of [ada, ben]) {
      await page.bringToFront();
      await page.mouse.click(2, 2);
      await page.evaluate(() => window.ParleyRTC.resumeAudioContext());
    }

    const local = await ada.evaluate(async () => {
      const video = window.client.localTracks.find((t: any) => t.trackMediaType === 'video');
      const updates: string[] = [];
      video.on('transceiver-updated', (transceiver: RTCRtpTransceiver) => updates.push(transceiver.mid ?? ''));
      await window.client.unpublish(video);
      const whileUnpublished = video.getRTCRtpTransceiver() === undefined && video.getStats().sendBytes === 0;
      await window.client.publish(video);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      const transceiver = video.getRTCRtpTransceiver();
      document.body.insertAdjacentHTML('afterbegin', '<div id="preview" style="width:320px;height:240px"></div>');
      video.play('preview');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const image = await video.getCurrentFrameImage('image/png', 1);
      return {
        whileUnpublished,
        updates: updates.length,
        sendsIt: transceiver?.sender.track === video.getMediaStreamTrack(),
        sendBytes: video.getStats().sendBytes,
        png: [...image.buffer.slice(1, 4)].map((c) => String.fromCharCode(c)).join(''),
        size: [image.width, image.height],
        visible: video.getVideoElementVisibleStatus(),
        rejects: await video.getCurrentFrameImage('text/plain', 1).then(() => 'resolved', (error: any) => error.code),
      };
    });
    expect(local).toMatchObject({ whileUnpublished: true, updates: 1, sendsIt: true, png: 'PNG', size: [640, 480], rejects: 'INVALID_PARAMS' });

    // Every field of Agora's statistics types carries a real number: no undefined, no NaN.
    const statsOf = (page: Page) =>
      page.evaluate(() => ({
        rtc: window.client.getRTCStats(),
        localVideo: window.client.getLocalVideoStats(),
        localAudio: window.client.getLocalAudioStats(),
        remoteVideo: Object.values(window.client.getRemoteVideoStats())[0],
        remoteAudio: Object.values(window.client.getRemoteAudioStats())[0],
      }));
    const stats = await statsOf(ben);
    for (const [group, values] of Object.entries(stats)) {
      for (const [field, value] of Object.entries(values as Record<string, unknown>)) {
        if (field === 'codecType' || field === 'qualityLimitationReason') expect(typeof value, `${group}.${field}`).toBe('string');
        // Parley's additions to Agora's RTCStats: how the media goes; direct on this machine, so no relay.
        else if (field === 'LocalCandidateType') expect(value, `${group}.${field}`).toBe('host');
        else if (field === 'RelayProtocol') expect(value, `${group}.${field}`).toBe('');
        else expect(Number.isFinite(value), `${group}.${field} = ${value}`).toBe(true);
      }
    }
    expect(stats.rtc.OutgoingAvailableBandwidth).toBeGreaterThan(0);
    expect(stats.remoteVideo).toMatchObject({ freezeRate: expect.any(Number), codecType: 'VP8' });
    expect((stats.remoteVideo as any).totalDuration).toBeGreaterThanOrEqual(1);
    expect((stats.remoteVideo as any).publishDuration).toBeGreaterThanOrEqual(1);
    expect((stats.remoteVideo as any).receiveDelay).toBeGreaterThan(0);
    expect((stats.remoteVideo as any).renderFrameRate).toBeGreaterThan(0);
    expect((stats.localVideo as any).totalDuration).toBeGreaterThanOrEqual(1);
    expect(local.visible).toEqual({ visible: true });
    expect(local.sendBytes).toBeGreaterThan(0);

    const remote = await ben.evaluate(async () => {
      const user = window.client.remoteUsers.find((u: any) => u.uid === 'ada');
      const container = document.getElementById('remote')!;
      container.style.cssText = 'width:320px;height:240px;position:relative';
      const video = user.videoTrack;
      const visibility = [video.getVideoElementVisibleStatus()];
      container.insertAdjacentHTML('beforeend', '<div id="cover" style="position:absolute;inset:0;background:#000"></div>');
      visibility.push(video.getVideoElementVisibleStatus());
      document.getElementById('cover')!.remove();
      container.style.display = 'none';
      visibility.push(video.getVideoElementVisibleStatus());
      container.style.display = '';
      const frames: number[] = [];
      user.audioTrack.setAudioFrameCallback((buffer: AudioBuffer) => frames.push(buffer.length), 1024);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      user.audioTrack.setAudioFrameCallback(null);
      const stopped = frames.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      user.audioTrack.setVolume(30);
      const volumes = [user.audioTrack.getVolume()];
      user.audioTrack.setAmplifiedVolume(150);
      volumes.push(user.audioTrack.getVolume());
      return {
        visibility,
        framesDecoded: video.getStats().framesDecoded,
        receives: video.getRTCRtpTransceiver()?.receiver.track === video.getMediaStreamTrack(),
        audioReceives: user.audioTrack.getRTCRtpTransceiver()?.receiver.track === user.audioTrack.getMediaStreamTrack(),
        frames: frames.length,
        frameSizes: [...new Set(frames)],
        stoppedAfter: frames.length === stopped,
        volumes,
      };
    });
    expect(remote.visibility).toEqual([{ visible: true }, { visible: false, reason: 'COVERED' }, { visible: false, reason: 'STYLE' }]);
    expect(remote.framesDecoded).toBeGreaterThan(10);
    expect(remote).toMatchObject({ receives: true, audioReceives: true, frameSizes: [1024], stoppedAfter: true, volumes: [30, 100] });
    // 48 kHz in 1024-sample frames: about 47 a second.
    expect(remote.frames).toBeGreaterThan(20);

    // ada's setVolume(0) silences what ben hears from her, setVolume(100) brings it back.
    // Chromium's fake microphone beeps for a few tens of milliseconds every 500 ms, and a level is
    // the last 21 ms (1024 samples). Reading every 100 ms keeps the same phase against the beeps
    // and can miss them all, so read back to back: no gap between windows, over three beeps.
    const loudest = () =>
      ben.evaluate(async () => {
        const track = window.client.remoteUsers.find((u: any) => u.uid === 'ada').audioTrack;
        let max = 0;
        for (const end = performance.now() + 1600; performance.now() < end; ) {
          max = Math.max(max, track.getVolumeLevel());
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        return max;
      });
    const audible = await loudest();
    expect(audible).toBeGreaterThan(0.02);
    await ada.evaluate(() => window.client.localTracks.find((t: any) => t.trackMediaType === 'audio').setVolume(0));
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Silence through Opus decodes to a faint hiss, not to exact zeros.
    const silenced = await loudest();
    expect(silenced).toBeLessThan(0.01);
    expect(silenced).toBeLessThan(audible / 4);
    expect(await ada.evaluate(() => window.client.localTracks.find((t: any) => t.trackMediaType === 'audio').setVolume(1001) ?? 'accepted').catch((error: Error) => error.message)).toMatch(/volume must be/);
    for (const page of [ada, ben]) await page.close();
  });

  it('subscribes in bulk and ahead of publishing, shares the server\'s clock and each other\'s link quality, and plays an audio file into the call', async () => {
    const ada = await joinTab('bulk-calls', 'ada');
    const ben = await joinTab('bulk-calls', 'ben');
    await until(() => decodedFrom(ben, 'ada'), (s) => s.frames >= 5 && s.audioBytes > 0);

    const bulk = await ben.evaluate(async () => {
      const ada = window.client.remoteUsers.find((u: any) => u.uid === 'ada');
      await window.client.massUnsubscribe([{ user: ada }]);
      const after = { audio: ada.audioTrack === undefined, video: ada.videoTrack === undefined };
      const results = await window.client.massSubscribe([
        { user: ada, mediaType: 'audio' },
        { user: ada, mediaType: 'video' },
        { user: { uid: 'nobody' }, mediaType: 'video' },
      ]);
      return { after, results: results.map((r: any) => ({ mediaType: r.mediaType, track: r.track?.trackMediaType ?? null, error: r.error?.code ?? null })) };
    });
    expect(bulk.after).toEqual({ audio: true, video: true });
    expect(bulk.results).toEqual([
      { mediaType: 'audio', track: 'audio', error: null },
      { mediaType: 'video', track: 'video', error: null },
      { mediaType: 'video', track: null, error: 'INVALID_REMOTE_USER' },
    ]);

    // presubscribe waits for the publish, then resolves with the track.
    await ada.evaluate(() => window.client.unpublish(window.client.localTracks.find((t: any) => t.trackMediaType === 'video')));
    await until(() => ben.evaluate(() => window.client.remoteUsers.find((u: any) => u.uid === 'ada').hasVideo), (has) => !has, 5_000);
    await ben.evaluate(() => {
      (window as any).presubscribed = window.client.presubscribe('ada', 'video').then((track: any) => track.trackMediaType);
    });
    await ada.evaluate(async () => window.client.publish(await window.ParleyRTC.createCameraVideoTrack()));
    expect(await ben.evaluate(() => (window as any).presubscribed)).toBe('video');

    // Both read the server's clock (here the same machine's, so within a few milliseconds of ours).
    const clocks = await Promise.all([ada, ben].map((page) => page.evaluate(() => window.client.getNtpWallTimeInMs())));
    for (const clock of clocks) expect(Math.abs(clock - Date.now())).toBeLessThan(250);

    // Each reports its own link every 2 s; the other reads it with getRemoteNetworkQuality.
    const remoteQuality = await until(
      () => ben.evaluate(() => window.client.getRemoteNetworkQuality()),
      (q: any) => q.ada?.uplinkNetworkQuality > 0,
      8_000,
    );
    expect(remoteQuality.ada.uplinkNetworkQuality).toBeGreaterThanOrEqual(1);
    expect(remoteQuality.ada.uplinkNetworkQuality).toBeLessThanOrEqual(2);
    expect(Object.keys(remoteQuality)).toEqual(['ada']);

    // A 440 Hz tone from an AudioBuffer replaces ada's microphone; ben hears it steadily.
    for (const page of [ada, ben]) {
      await page.bringToFront();
      await page.mouse.click(2, 2);
      await page.evaluate(() => window.ParleyRTC.resumeAudioContext());
    }
    const file = await ada.evaluate(async () => {
      const rate = 48_000;
      const buffer = new AudioBuffer({ length: rate * 2, sampleRate: rate, numberOfChannels: 1 });
      const samples = buffer.getChannelData(0);
      for (let i = 0; i < samples.length; i += 1) samples[i] = 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate);
      const track = await window.ParleyRTC.createBufferSourceAudioTrack({ source: buffer });
      const states: string[] = [];
      track.on('source-state-change', (state: string) => states.push(state));
      await window.client.unpublish(window.client.localTracks.find((t: any) => t.trackMediaType === 'audio'));
      await window.client.publish(track);
      track.startProcessAudioBuffer({ loop: true });
      (window as any).tone = track;
      await new Promise((resolve) => setTimeout(resolve, 600));
      const moved = track.getCurrentTime();
      const errors = await Promise.all([
        window.ParleyRTC.createBufferSourceAudioTrack({ source: '/no-such-file.mp3' }).catch((error: any) => error.code),
        window.ParleyRTC.createBufferSourceAudioTrack({ source: new File([new Uint8Array([1, 2, 3])], 'noise.mp3') }).catch((error: any) => error.code),
      ]);
      return { duration: track.duration, moved, states, errors };
    });
    expect(file.duration).toBe(2);
    expect(file.moved).toBeGreaterThan(0.3);
    expect(file.states).toEqual(['playing']);
    expect(file.errors).toEqual(['FETCH_AUDIO_FILE_FAILED', 'DECODE_AUDIO_FILE_FAILED']);
    const quietest = await until(
      () =>
        ben.evaluate(async () => {
          let min = 1;
          for (let i = 0; i < 10; i += 1) {
            const track = window.client.remoteUsers.find((u: any) => u.uid === 'ada')?.audioTrack;
            min = Math.min(min, track ? track.getVolumeLevel() : 0);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          return min;
        }),
      (min) => min > 0.2,
      10_000,
    );
    // A steady tone, unlike the fake microphone's beeps: loud at every sample.
    expect(quietest).toBeGreaterThan(0.2);
    const paused = await ada.evaluate(() => {
      const tone = (window as any).tone;
      tone.pauseProcessAudioBuffer();
      return tone.currentState;
    });
    expect(paused).toBe('paused');
    for (const page of [ada, ben]) await page.close();
  });

  it('carries stream messages and metadata to every other user, from one who never published too, within Agora\'s limits', async () => {
    const alice = await joinTab('data-call', 'alice');
    const bob = await joinTab('data-call', 'bob');
    const carol = await joinTab('data-call', 'carol', { publish: false });
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
    // Hellos of the last round may still be on their way on a loaded machine: what follows ignores them.
    const heardSince = (page: Page) => heard(page).then((log) => log.filter((line) => !line.endsWith(': hello')));

    await send(alice, 'from alice');
    await bob.evaluate(() => window.client.sendStreamMessage({ payload: new TextEncoder().encode('from bob'), syncWithAudio: false }));
    await send(carol, 'from carol, who never published');
    await bob.evaluate(() => window.client.sendMetadata(new Uint8Array([9, 8, 7])));
    await until(() => Promise.all(Object.values(tabs).map(heardSince)), (logs) => logs[0]!.length === 3 && logs[1]!.length === 2 && logs[2]!.length === 3, 10_000);
    expect(await heardSince(alice)).toEqual(['bob: from bob', 'carol: from carol, who never published', 'bob metadata: 9,8,7']);
    expect(await heardSince(bob)).toEqual(['alice: from alice', 'carol: from carol, who never published']);
    expect(await heardSince(carol)).toEqual(['alice: from alice', 'bob: from bob', 'bob metadata: 9,8,7']);

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
    expect(burst.filter((result) => result === 'INVALID_OPERATION')).toHaveLength(10);
    const bobHeard = await until(() => heardSince(bob), (log) => log.length >= 30, 10_000);
    expect(bobHeard).toEqual(burst.flatMap((result, i) => (result === 'sent' ? [`carol: burst ${i}`] : [])));
    // 6 KB a second: six 1 KB messages go, the seventh is refused.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const bytes = await carol.evaluate(async () => {
      const results: string[] = [];
      for (let i = 0; i < 7; i++) results.push(await window.client.sendStreamMessage(new Uint8Array(1024)).then(() => 'sent', (error: any) => String(error.code)));
      return results;
    });
    expect(bytes).toEqual([...Array(6).fill('sent'), 'INVALID_OPERATION']);
    for (const page of Object.values(tabs)) await page.close();
  });

  it('dual stream: a subscriber switches to the low layer and back without a freeze, another keeps the high one', async () => {
    const publisher = await joinTab('dual-stream', 'pub', { dualStream: true });
    const switcher = await joinTab('dual-stream', 'switcher', { publish: false });
    const watcher = await joinTab('dual-stream', 'watcher', { publish: false });
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
    const watcher = await joinTab('dual-toggle', 'low-watcher', { publish: false, lowByDefault: true });
    // The publisher sends one stream: the only layer there is, whatever was asked.
    await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 640 && v.decoded > 10);
    await publisher.evaluate(() => window.client.enableDualStream());
    const low = await until(() => videoFrom(watcher, 'pub'), (v) => v.width === 160, 15_000);
    expect(low.width).toBe(160);
    expect((await until(() => videoFrom(watcher, 'pub'), (v) => v.decoded >= low.decoded + 10, 5_000)).decoded).toBeGreaterThanOrEqual(low.decoded + 10);
    await publisher.evaluate(() => window.client.disableDualStream());
    // One stream again, from a new encoder: Chromium starts it at the bandwidth it estimates, which
    // without transport-wide feedback climbs about 8% a second, so it may send 480 × 360 for a while
    // before 640 × 480. The watcher must get that one stream, whatever its size, not the low layer.
    const sent = () => publisher.evaluate(() => window.client.getLocalVideoStats().sendResolutionWidth);
    const full = await until(async () => ({ ...(await videoFrom(watcher, 'pub')), sent: await sent() }), (v) => v.width > 160 && v.width === v.sent, 15_000);
    expect(full.width).toBeGreaterThan(160);
    expect(full.width).toBe(full.sent);
    expect((await until(() => videoFrom(watcher, 'pub'), (v) => v.decoded >= full.decoded + 10, 5_000)).decoded).toBeGreaterThanOrEqual(full.decoded + 10);
    for (const page of [publisher, watcher]) await page.close();
  });

  it('switches roles mid-call in live mode: the audience member who becomes host is seen and heard, the host who becomes audience leaves the stage', async () => {
    const open = async (uid: string, role: 'host' | 'audience') => {
      const page = await browser.context.newPage();
      await page.goto(`${t.url}/healthz`);
      await page.setContent('<div id="remote"></div>');
      await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
      await page.evaluate(
        async ({ url, appId, token, uid, role }) => {
          window.ParleyRTC.setServer(url);
          window.log = [];
          const client = window.ParleyRTC.createClient({ mode: 'live', codec: 'vp8', role });
          window.client = client;
          client.on('user-joined', (user: any) => window.log.push(`joined:${user.uid}`));
          client.on('user-left', (user: any, reason: string) => window.log.push(`left:${user.uid}:${reason}`));
          client.on('user-published', async (user: any, kind: 'audio' | 'video') => {
            window.log.push(`published:${user.uid}:${kind}`);
            await client.subscribe(user, kind);
          });
          await client.join(appId, 'stage', token, uid);
          if (role === 'host') await client.publish(await window.ParleyRTC.createMicrophoneAndCameraTracks());
        },
        { url: t.url, appId: project.appId, token: token('stage', uid), uid, role },
      );
      return page;
    };
    const star = await open('star', 'host');
    const fan = await open('fan', 'audience');
    await until(() => decodedFrom(fan, 'star'), (s) => s.frames >= 5);
    expect(await star.evaluate(() => window.client.remoteUsers.length)).toBe(0);

    // The fan steps on stage: the star sees a new host, then its media.
    await fan.evaluate(async () => {
      await window.client.setClientRole('host');
      await window.client.publish(await window.ParleyRTC.createMicrophoneAndCameraTracks());
    });
    await until(() => star.evaluate(() => window.log), (log) => log.includes('published:fan:video'), 10_000);
    expect(await star.evaluate(() => window.log)).toContain('joined:fan');
    await until(() => decodedFrom(star, 'fan'), (s) => s.frames >= 5);

    // The star steps down: its tracks are unpublished first, and the fan sees it leave as BecomeAudience.
    const stepDown = await star.evaluate(async () => {
      await window.client.setClientRole('audience');
      const publishing = window.client.localTracks.length;
      const refused = await window.client.publish(await window.ParleyRTC.createCameraVideoTrack()).then(() => 'published', (error: any) => error.code);
      return { publishing, refused };
    });
    expect(stepDown).toEqual({ publishing: 0, refused: 'INVALID_OPERATION' });
    const fanLog = await until(() => fan.evaluate(() => window.log), (log) => log.includes('left:star:BecomeAudience'), 5_000);
    expect(fanLog).toContain('left:star:BecomeAudience');
    const roles = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/stage`, { auth })).body.data.participants.map((p: any) => `${p.uid}:${p.role}`).sort();
    expect(roles).toEqual(['fan:host', 'star:audience']);
    for (const page of [star, fan]) await page.close();
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
    // The uid is the name's ASCII letters plus a per-page suffix; the name itself travels in stream messages.
    expect(demo.body.data.participants.map((p: any) => p.uid).sort()).toEqual([expect.stringMatching(/^Ada-\d{4}$/), expect.stringMatching(/^Grace-\d{4}$/)]);
    for (const page of tabs) await page.close();
  });
});
