/**
 * ParleyRTC's static calls as Agora's sample apps make them, in real Chromium on the built
 * bundle: every member the coverage report counts on IAgoraRTC exists at run time; documented
 * no-ops neither throw nor reject and each logs its reason once (at WARNING, silenced by
 * setLogLevel(4)); getSupportedCodec answers this browser's codecs; the device lists and
 * listeners work; the emitter has Agora's methods.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverage } from '../../packages/sdk-web/scripts/coverage.ts';
import { buildSdk } from '../../packages/sdk-web/scripts/build.ts';
import { DOCUMENTED_NOOPS } from '../../packages/sdk-web/src/compat/noops.ts';
import { launchChromium, serveStatic, type StaticServer, type TestBrowser } from './support/browser.ts';

const PAGE = '<!doctype html><html><head><title>statics</title><script src="/sdk/parley-rtc.js"></script></head><body></body></html>';

describe('ParleyRTC\'s Agora calls in Chromium', () => {
  let browser: TestBrowser;
  let site: StaticServer;
  let page: Page;
  const warnings: string[] = [];
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sdk-statics-'));

  beforeAll(async () => {
    await buildSdk(outDir);
    site = await serveStatic(outDir, { '/': PAGE });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    await page.goto(`${site.url}/`);
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('has at run time every IAgoraRTC member the report counts', async () => {
    const counted = coverage().interfaces.find((i) => i.agora === 'IAgoraRTC')!.members.filter((m) => m.status !== 'missing').map((m) => m.name);
    const absent = await page.evaluate((names) => names.filter((name) => !(name in (window as any).ParleyRTC)), counted);
    expect(absent).toEqual([]);
  });

  it('runs every documented no-op without a throw or a rejection, logging each reason once', async () => {
    const noops = Object.keys(DOCUMENTED_NOOPS.IAgoraRTC);
    const results = await page.evaluate(async (names) => {
      const sdk = (window as any).ParleyRTC;
      const outcome: Record<string, string> = {};
      for (const name of names) {
        try {
          await sdk[name]();
          await sdk[name]();
          outcome[name] = 'ok';
        } catch (error) {
          outcome[name] = String(error);
        }
      }
      return outcome;
    }, noops);
    expect(Object.values(results).every((r) => r === 'ok'), JSON.stringify(results)).toBe(true);
    for (const name of noops) expect(warnings.filter((w) => w.includes(`${name}() does nothing in Parley`)), name).toHaveLength(1);
    expect(await page.evaluate(() => (window as any).ParleyRTC.getElectronScreenSources())).toEqual([]);
  });

  it('runs the tracks\' extension calls as documented no-ops that return what Agora returns with nothing applied', async () => {
    const before = warnings.length;
    const results = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const canvas = Object.assign(document.createElement('canvas'), { width: 64, height: 48 });
      canvas.getContext('2d')!.fillRect(0, 0, 64, 48);
      const video = sdk.createCustomVideoTrack({ mediaStreamTrack: canvas.captureStream(5).getVideoTracks()[0] });
      const processor = { pipe: (next: unknown) => next, unpipe: () => {} };
      class Extension {
        options: { level: number };
        constructor(options: { level: number }) {
          this.options = options;
        }
      }
      const chained = video.pipe(processor).pipe(video.processorDestination);
      video.unpipe();
      const extension = video.useExtension(Extension, { level: 2 });
      const outcome = {
        chained: chained === video.processorDestination,
        extension: extension instanceof Extension && extension.options.level === 2,
        removed: video.removeExtension(extension),
        sei: video.sendSeiData(new Uint8Array([1, 2])) === undefined,
        beauty: (await video.setBeautyEffect(true)) === undefined,
      };
      video.close();
      return outcome;
    });
    expect(results).toEqual({ chained: true, extension: true, removed: false, sei: true, beauty: true });
    const said = warnings.slice(before).join('\n');
    for (const name of ['pipe', 'unpipe', 'useExtension', 'removeExtension', 'sendSeiData', 'setBeautyEffect']) expect(said).toContain(`${name}() does nothing in Parley`);
  });

  it('goes quiet at log level 4 (NONE) and speaks again at 0 (DEBUG)', async () => {
    const before = warnings.length;
    await page.evaluate(() => {
      const sdk = (window as any).ParleyRTC;
      sdk.setLogLevel(4);
      sdk.enableLogUpload(); // already said once: silent anyway
    });
    expect(warnings.length).toBe(before);
    await page.evaluate(() => (window as any).ParleyRTC.setLogLevel(0));
  });

  it('answers this browser\'s codecs in Agora\'s names', async () => {
    const codecs = await page.evaluate(() => (window as any).ParleyRTC.getSupportedCodec());
    expect(codecs.audio).toEqual(['OPUS']);
    expect(codecs.video).toEqual(expect.arrayContaining(['VP8', 'VP9']));
    for (const name of codecs.video) expect(['VP8', 'VP9', 'H264', 'AV1']).toContain(name);
  });

  it('runs the client\'s cloud-only calls as documented no-ops, and keeps TURN settings and the role', async () => {
    const clientNoops = Object.keys(DOCUMENTED_NOOPS.IAgoraRTCClient);
    const outcome = await page.evaluate(async (names) => {
      const sdk = (window as any).ParleyRTC;
      const client = sdk.createClient({ mode: 'live', codec: 'vp8', role: 'audience' });
      const failures: string[] = [];
      const properties: string[] = [];
      for (const name of names) {
        try {
          // localDataChannels is a property (always empty); the rest are calls.
          if (typeof client[name] === 'function') await client[name]({});
          else if (Array.isArray(client[name]) && client[name].length === 0) properties.push(name);
          else failures.push(`${name}: ${JSON.stringify(client[name])}`);
        } catch (error) {
          failures.push(`${name}: ${error}`);
        }
      }
      client.setTurnServer({ turnServerURL: 'turn.example.com', username: 'u', password: 'p', tcpport: 443 });
      let badTurn = '';
      try {
        client.setTurnServer({ turnServerURL: '', username: 'u', password: 'p' });
      } catch (error: any) {
        badTurn = error.code;
      }
      return { failures, properties, role: client.role, badTurn };
    }, clientNoops);
    expect(outcome).toEqual({ failures: [], properties: ['localDataChannels'], role: 'audience', badTurn: 'INVALID_PARAMS' });
    for (const name of clientNoops) {
      const said = name === 'localDataChannels' ? `${name} does nothing in Parley` : `${name}() does nothing in Parley`;
      expect(warnings.filter((w) => w.includes(said)), name).toHaveLength(1);
    }
  });

  it('measures the fake microphone\'s level once the audio context runs', async () => {
    await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      (window as any).microphone = await sdk.createMicrophoneAudioTrack();
      (window as any).microphone.getVolumeLevel();
    });
    // Browsers start an AudioContext suspended until a user gesture; a click resumes it.
    await page.mouse.click(5, 5);
    await page.evaluate(() => (window as any).ParleyRTC.resumeAudioContext());
    const levels = await page.evaluate(async () => {
      const samples: number[] = [];
      // The beep is loud for ~50 ms every ~0.5 s: samples 100 ms apart can keep landing in its
      // quiet tail (they did, on Chromium 156.0.8078.114), so 20 ms apart.
      for (let i = 0; i < 150; i++) {
        samples.push((window as any).microphone.getVolumeLevel());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await (window as any).microphone.setEnabled(false);
      const disabled = (window as any).microphone.getVolumeLevel();
      (window as any).microphone.close();
      return { max: Math.max(...samples), min: Math.min(...samples), disabled };
    });
    // Chromium's fake microphone beeps: loud at times, and never above full scale.
    expect(levels.max).toBeGreaterThan(0.05);
    expect(levels.max).toBeLessThanOrEqual(1);
    expect(levels.min).toBeGreaterThanOrEqual(0);
    expect(levels.disabled).toBe(0);
  });

  it('says whether a camera and a microphone carry anything, as Agora\'s device checks do', async () => {
    await page.mouse.click(3, 3);
    const checks = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const [microphone, camera] = await sdk.createMicrophoneAndCameraTracks();
      await sdk.resumeAudioContext();
      const cameraActive = await sdk.checkVideoTrackIsActive(camera, 3_000);
      const microphoneActive = await sdk.checkAudioTrackIsActive(microphone, 4_000);
      await camera.setEnabled(false);
      const disabledCamera = await sdk.checkVideoTrackIsActive(camera, 500);
      let wrongKind = '';
      try {
        await sdk.checkVideoTrackIsActive(microphone);
      } catch (error: any) {
        wrongKind = error.code;
      }
      microphone.close();
      camera.close();
      return { cameraActive, microphoneActive, disabledCamera, wrongKind };
    });
    expect(checks).toEqual({ cameraActive: true, microphoneActive: true, disabledCamera: false, wrongKind: 'INVALID_PARAMS' });
  });

  it('clones, re-tunes and replaces a camera track, and reads the picture it shows', async () => {
    const result = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const box = document.createElement('div');
      box.style.cssText = 'width:320px;height:240px';
      document.body.append(box);
      const camera = await sdk.createCameraVideoTrack({ encoderConfig: '480p_1' });
      const blank = camera.getCurrentFrameData();
      camera.play(box);
      await new Promise((resolve) => camera.getVideoElement().addEventListener('loadeddata', resolve, { once: true }));
      const frame = camera.getCurrentFrameData();
      await camera.setEncoderConfiguration('240p_1');
      const settings = camera.getMediaStreamTrack().getSettings();
      await camera.setOptimizationMode('motion');
      const hint = camera.getMediaStreamTrack().contentHint;
      const copy = camera.clone();
      const cloneIsSeparate = copy.getMediaStreamTrack() !== camera.getMediaStreamTrack() && copy.getMediaStreamTrack().readyState === 'live';
      const replacement = copy.getMediaStreamTrack().clone();
      const old = camera.getMediaStreamTrack();
      await camera.replaceTrack(replacement, false);
      let badMode = '';
      try {
        await camera.setOptimizationMode('fast');
      } catch (error: any) {
        badMode = error.code;
      }
      const state = { replaced: camera.getMediaStreamTrack() === replacement, oldKept: old.readyState };
      camera.close();
      copy.close();
      old.stop();
      return { blank: [blank.width, blank.height], frame: [frame.width, frame.height], size: [settings.width, settings.height], hint, cloneIsSeparate, badMode, ...state };
    });
    expect(result).toEqual({ blank: [1, 1], frame: [640, 480], size: [320, 240], hint: 'motion', cloneIsSeparate: true, badMode: 'INVALID_PARAMS', replaced: true, oldKept: 'live' });
  });

  it('lists cameras, microphones and playback devices, and keeps device listeners like an emitter', async () => {
    const seen = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const listener = () => {};
      sdk.on('camera-changed', listener);
      sdk.onMicrophoneChanged = () => {};
      const listeners = sdk.getListeners('camera-changed').length;
      sdk.off('camera-changed', listener);
      return {
        cameras: (await sdk.getCameras()).map((d: MediaDeviceInfo) => d.kind),
        microphones: (await sdk.getMicrophones()).map((d: MediaDeviceInfo) => d.kind),
        playback: (await sdk.getPlaybackDevices()).every((d: MediaDeviceInfo) => d.kind === 'audiooutput'),
        listeners,
        afterOff: sdk.getListeners('camera-changed').length,
        microphoneHandler: typeof sdk.onMicrophoneChanged,
      };
    });
    expect(seen.cameras.length).toBeGreaterThan(0);
    expect(new Set(seen.cameras)).toEqual(new Set(['videoinput']));
    expect(new Set(seen.microphones)).toEqual(new Set(['audioinput']));
    expect(seen).toMatchObject({ playback: true, listeners: 1, afterOff: 0, microphoneHandler: 'function' });
  });
});
