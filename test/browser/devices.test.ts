/**
 * Devices in a call as Agora apps use them, in real Chromium with fake cameras and fake screen
 * capture through Parley's SFU: switching the camera mid-call (`track.setDevice`) keeps the other
 * side receiving without a renegotiation, a wrong id is DEVICE_NOT_FOUND and changes nothing; a
 * shared screen (`createScreenVideoTrack` with its sound) reaches the other side.
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
      await (window as any).client.publish([screen, sound]);
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
      };
    });
    expect(shared).toEqual({ pair: true, kinds: ['video', 'audio'], hint: 'detail', single: 'video', badChoice: 'INVALID_PARAMS' });
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
});
