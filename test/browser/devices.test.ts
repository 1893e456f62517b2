/**
 * Devices in a call as Agora apps use them, in real Chromium with fake cameras and fake screen
 * capture through Parley's SFU: switching the camera mid-call (`track.setDevice`) keeps the other
 * side receiving without a renegotiation, a wrong id is DEVICE_NOT_FOUND and changes nothing; a
 * shared screen (`createScreenVideoTrack` with its sound) reaches the other side, together with the
 * microphone: several audio tracks published at once are heard mixed, each one's tone in the other
 * side's spectrum.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';

describe('devices and screens in a call', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    // Chromium's second fake camera (fake_device_1) sends Y16 depth frames, which no video encoder
    // takes (its picture plays in a <video> but a sender encodes nothing); the third is an ordinary camera.
    browser = await launchChromium({ fakeDevices: 3 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function tab(uid: string, publish: boolean): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${t.url}/healthz`);
    await page.setContent('<div id="remote"></div>');
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'devices', uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
    await page.evaluate(async ({ url, appId, uid, token, publish }) => {
      const sdk = (window as any).ParleyRTC;
      sdk.setServer(url);
      const client = sdk.createClient({ mode: 'rtc', codec: 'vp8' });
      (window as any).client = client;
      client.on('user-published', async (user: any, kind: string) => {
        await client.subscribe(user, kind);
        if (kind === 'video') user.videoTrack.play('remote');
      });
      await client.join(appId, 'devices', token, uid);
      if (publish) {
        (window as any).camera = await sdk.createCameraVideoTrack();
        await client.publish((window as any).camera);
      }
    }, { url: t.url, appId: project.appId, uid, token, publish });
    return page;
  }

  const framesFrom = (page: Page, uid: string) => page.evaluate(async (uid) => (await (window as any).client.getRemoteVideoStats())[uid]?.framesDecoded ?? 0, uid);

  async function framesGrow(page: Page, uid: string, by: number, timeoutMs = 15_000): Promise<void> {
    const start = await framesFrom(page, uid);
    const deadline = Date.now() + timeoutMs;
    while ((await framesFrom(page, uid)) < start + by) {
      if (Date.now() > deadline) throw new Error(`fewer than ${by} new frames from ${uid} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('switches the camera of a published track and the other side keeps receiving', { timeout: 60_000 }, async () => {
    const sender = await tab('sender', true);
    const viewer = await tab('viewer', false);
    await framesGrow(viewer, 'sender', 30);

    // A background tab's new capture may be throttled; people switch cameras in the tab they look at.
    await sender.bringToFront();
    const switched = await sender.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const camera = (window as any).camera;
      const cameras: MediaDeviceInfo[] = await sdk.getCameras();
      const before = camera.getMediaStreamTrack().getSettings().deviceId;
      const other = cameras.find((c) => c.label === 'fake_device_2')!;
      const oldTrack = camera.getMediaStreamTrack();
      const updated: string[] = [];
      camera.on('track-updated', (track: MediaStreamTrack) => updated.push(track.id));
      await camera.setDevice(other.deviceId);
      const publishedTrack = (window as any).client.localTracks[0].getMediaStreamTrack();
      return {
        cameras: cameras.length,
        before,
        after: camera.getMediaStreamTrack().getSettings().deviceId,
        wanted: other.deviceId,
        oldEnded: oldTrack.readyState,
        sameObject: (window as any).client.localTracks[0] === camera,
        publishedIsNew: publishedTrack === camera.getMediaStreamTrack(),
        updatedWithNew: updated.length === 1 && updated[0] === camera.getMediaStreamTrack().id,
      };
    });
    expect(switched.cameras).toBe(3);
    expect(switched.after).toBe(switched.wanted);
    expect(switched.after).not.toBe(switched.before);
    expect(switched).toMatchObject({ oldEnded: 'ended', sameObject: true, publishedIsNew: true, updatedWithNew: true });
    await framesGrow(viewer, 'sender', 30);

    const refused = await sender.evaluate(async () => {
      const camera = (window as any).camera;
      const track = camera.getMediaStreamTrack();
      try {
        await camera.setDevice('no-such-camera');
        return 'switched';
      } catch (error: any) {
        return { code: error.code, unchanged: camera.getMediaStreamTrack() === track && track.readyState === 'live' };
      }
    });
    expect(refused).toEqual({ code: 'DEVICE_NOT_FOUND', unchanged: true });
    await framesGrow(viewer, 'sender', 15);

    await sender.close();
    await viewer.close();
  });

  it('shares the screen with its sound, which the other side receives at the screen\'s size', { timeout: 60_000 }, async () => {
    const sharer = await tab('sharer', false);
    const viewer = await tab('screen-viewer', false);
    const shared = await sharer.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const tracks = await sdk.createScreenVideoTrack({ encoderConfig: '720p_2', optimizationMode: 'detail' }, 'enable');
      const [screen, sound] = tracks;
      const microphone = await sdk.createMicrophoneAudioTrack();
      await (window as any).client.publish([microphone, screen, sound]);
      const published = (window as any).client.localTracks.map((track: any) => track.trackMediaType);
      const onlyVideo = await sdk.createScreenVideoTrack({}, 'disable');
      let badChoice = '';
      try {
        await sdk.createScreenVideoTrack({}, 'sometimes');
      } catch (error: any) {
        badChoice = error.code;
      }
      onlyVideo.close();
      return {
        pair: Array.isArray(tracks) && tracks.length === 2,
        kinds: [screen.trackMediaType, sound.trackMediaType],
        hint: screen.getMediaStreamTrack().contentHint,
        single: !Array.isArray(onlyVideo) && onlyVideo.trackMediaType,
        badChoice,
        published,
      };
    });
    expect(shared).toEqual({ pair: true, kinds: ['video', 'audio'], hint: 'detail', single: 'video', badChoice: 'INVALID_PARAMS', published: ['audio', 'video', 'audio'] });
    await framesGrow(viewer, 'sharer', 20, 20_000);
    const received = await viewer.evaluate(async () => {
      const video = (await (window as any).client.getRemoteVideoStats()).sharer;
      const audio = (await (window as any).client.getRemoteAudioStats()).sharer;
      return { width: video.receiveResolutionWidth, height: video.receiveResolutionHeight, audioBytes: audio?.receiveBytes ?? 0 };
    });
    expect(received.width).toBeGreaterThan(640);
    expect(received.height).toBeGreaterThan(360);
    expect(received.audioBytes).toBeGreaterThan(0);
    await sharer.close();
    await viewer.close();
  });

  /** A custom audio track playing a pure tone, made in the sender's page. */
  const toneTrack = (page: Page, name: string, hz: number) =>
    page.evaluate(({ name, hz }) => {
      const context = new AudioContext();
      const oscillator = context.createOscillator();
      oscillator.frequency.value = hz;
      const destination = context.createMediaStreamDestination();
      oscillator.connect(destination);
      oscillator.start();
      (window as any)[name] = (window as any).ParleyRTC.createCustomAudioTrack({ mediaStreamTrack: destination.stream.getAudioTracks()[0] });
    }, { name, hz });

  /**
   * How loud each tone is in what `page` hears from `uid`, in dB above the noise floor around it
   * (a tone that is there stands 30 dB or more above it; an absent one sits near 0).
   */
  const tonesHeard = (page: Page, uid: string, tones: number[]) =>
    page.evaluate(async ({ uid, tones }) => {
      const user = (window as any).client.remoteUsers.find((u: any) => u.uid === uid);
      if (!user?.audioTrack) return null;
      // Chromium decodes a remote audio track only while something plays it out.
      if (!user.audioTrack.isPlaying) user.audioTrack.play();
      const context = new AudioContext();
      await context.resume();
      const analyser = context.createAnalyser();
      analyser.fftSize = 4096;
      context.createMediaStreamSource(new MediaStream([user.audioTrack.getMediaStreamTrack()])).connect(analyser);
      const sums = new Float64Array(analyser.frequencyBinCount);
      for (let i = 0; i < 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const bins = new Float32Array(analyser.frequencyBinCount);
        analyser.getFloatFrequencyData(bins);
        bins.forEach((db, bin) => (sums[bin]! += Math.max(db, -160) / 10));
      }
      await context.close();
      const hzPerBin = context.sampleRate / analyser.fftSize;
      return tones.map((hz) => {
        const bin = Math.round(hz / hzPerBin);
        // The noise floor around the tone: Opus's noise depends on the frequency band.
        const around = [...sums.slice(bin - 40, bin - 3), ...sums.slice(bin + 4, bin + 41)].sort((a, b) => a - b);
        const floor = around[around.length >> 1]!;
        return Math.round(Math.max(sums[bin - 1]!, sums[bin]!, sums[bin + 1]!) - floor);
      });
    }, { uid, tones });

  async function untilHeard(page: Page, uid: string, accept: (levels: number[]) => boolean): Promise<number[] | null> {
    const deadline = Date.now() + 15_000;
    let levels: number[] | null = null;
    while (Date.now() < deadline) {
      levels = await tonesHeard(page, uid, [440, 1750]);
      if (levels && accept(levels)) return levels;
    }
    return levels;
  }

  it('mixes several published audio tracks into the one the others hear, and mutes the user only when all are muted', { timeout: 90_000 }, async () => {
    const sender = await tab('two-voices', false);
    const listener = await tab('listener', false);
    // Playing the sound out needs the page's user activation, as in any browser.
    await listener.bringToFront();
    await listener.mouse.click(2, 2);
    await toneTrack(sender, 'low', 440);
    await toneTrack(sender, 'high', 1750);
    const HEARD = 30;

    // The second audio track joins the first one's stream: no renegotiation, one audio stream.
    const published = await sender.evaluate(async () => {
      const client = (window as any).client;
      await client.publish((window as any).low);
      const transceiver = client.localTracks[0].getRTCRtpTransceiver();
      await client.publish((window as any).high);
      const camera = await (window as any).ParleyRTC.createCameraVideoTrack();
      const screen = await (window as any).ParleyRTC.createCustomVideoTrack({ mediaStreamTrack: camera.getMediaStreamTrack().clone() });
      await client.publish(camera);
      let second = '';
      try {
        await client.publish(screen);
      } catch (error: any) {
        second = error.code;
      }
      await client.unpublish(camera);
      camera.close();
      screen.close();
      return {
        tracks: client.localTracks.length,
        sameTransceiver: (window as any).high.getRTCRtpTransceiver() === transceiver,
        second,
      };
    });
    expect(published).toMatchObject({ tracks: 2, sameTransceiver: true, second: 'CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS' });
    const both = await untilHeard(listener, 'two-voices', ([low, high]) => low! > HEARD && high! > HEARD);
    expect(both![0]).toBeGreaterThan(HEARD);
    expect(both![1]).toBeGreaterThan(HEARD);

    // One track leaves the mix: the other goes on alone.
    await sender.evaluate(() => (window as any).client.unpublish((window as any).low));
    const highOnly = await untilHeard(listener, 'two-voices', ([low, high]) => low! < 10 && high! > HEARD);
    expect(highOnly![0]).toBeLessThan(10);
    expect(highOnly![1]).toBeGreaterThan(HEARD);

    // Muting one of two keeps the user's audio published; muting both unpublishes it, as Agora.
    const muting = await sender.evaluate(async () => {
      const client = (window as any).client;
      await client.publish((window as any).low);
      await (window as any).low.setMuted(true);
      return client.localTracks.length;
    });
    expect(muting).toBe(2);
    const lowMuted = await untilHeard(listener, 'two-voices', ([low, high]) => low! < 10 && high! > HEARD);
    expect(lowMuted![0]).toBeLessThan(10);
    expect(await listener.evaluate(() => (window as any).client.remoteUsers.find((u: any) => u.uid === 'two-voices').hasAudio)).toBe(true);
    await sender.evaluate(() => (window as any).high.setMuted(true));
    const unpublished = await listener.waitForFunction(() => (window as any).client.remoteUsers.find((u: any) => u.uid === 'two-voices')?.hasAudio === false, undefined, { timeout: 10_000 });
    expect(await unpublished.jsonValue()).toBe(true);
    await sender.evaluate(() => (window as any).low.setMuted(false));
    await listener.waitForFunction(() => (window as any).client.remoteUsers.find((u: any) => u.uid === 'two-voices')?.hasAudio === true, undefined, { timeout: 10_000 });
    const lowBack = await untilHeard(listener, 'two-voices', ([low, high]) => low! > HEARD && high! < 10);
    expect(lowBack![0]).toBeGreaterThan(HEARD);
    expect(lowBack![1]).toBeLessThan(10);
    await sender.close();
    await listener.close();
  });
});
