/**
 * The built SDK in a real browser: the script bundle sets window.ParleyRTC to the SDK object, the
 * module bundle exports it, and tracks open the (fake) camera and microphone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildSdk } from '../../packages/sdk-web/scripts/build.ts';
import { VERSION } from '../../packages/sdk-web/src/version.ts';
import { launchChromium, serveStatic, type StaticServer, type TestBrowser } from './support/browser.ts';

const SCRIPT_PAGE = `<!doctype html><html><head><title>script</title><script src="/sdk/parley-rtc.js"></script></head>
<body><div id="preview" style="width:320px;height:240px"></div></body></html>`;
const MODULE_PAGE = `<!doctype html><html><head><title>module</title><script type="module">
import ParleyRTC, { createClient, ParleyRTCError } from '/sdk/parley-rtc.mjs';
window.moduleExports = { ParleyRTC, createClient, ParleyRTCError };
</script></head><body></body></html>`;

describe('the SDK bundle in Chromium', () => {
  let browser: TestBrowser;
  let site: StaticServer;
  let page: Page;
  // Built here from the current sources, into a folder of its own: other test files read dist/.
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sdk-build-'));

  beforeAll(async () => {
    const bundles = await buildSdk(outDir);
    expect(bundles.map((bundle) => path.basename(bundle.file)).sort()).toEqual(['parley-rtc.js', 'parley-rtc.mjs']);
    site = await serveStatic(outDir, { '/': SCRIPT_PAGE, '/module.html': MODULE_PAGE });
    browser = await launchChromium();
    page = await browser.context.newPage();
    await page.goto(`${site.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('sets window.ParleyRTC to the SDK object itself, not a module namespace', async () => {
    const shape = await page.evaluate(() => {
      const sdk = (window as any).ParleyRTC;
      const client = sdk.createClient({ mode: 'rtc', codec: 'vp8' });
      return {
        createClient: typeof sdk.createClient,
        createMicrophoneAndCameraTracks: typeof sdk.createMicrophoneAndCameraTracks,
        setServer: typeof sdk.setServer,
        hasDefault: 'default' in sdk,
        version: sdk.VERSION,
        systemOk: sdk.checkSystemRequirements(),
        state: client.connectionState,
        on: typeof client.on,
        remoteUsers: client.remoteUsers,
      };
    });
    expect(shape).toEqual({
      createClient: 'function',
      createMicrophoneAndCameraTracks: 'function',
      setServer: 'function',
      hasDefault: false,
      version: VERSION,
      systemOk: true,
      state: 'DISCONNECTED',
      on: 'function',
      remoteUsers: [],
    });
  });

  it('opens the fake microphone and camera as local tracks and previews the video', async () => {
    const result = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const [audio, video] = await sdk.createMicrophoneAndCameraTracks({}, { encoderConfig: { width: 640, height: 480, frameRate: 15 } });
      video.play('preview');
      const element = document.querySelector('#preview video') as HTMLVideoElement;
      const started = Date.now();
      while (element.videoWidth === 0 && Date.now() - started < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
      const before = { audioEnabled: audio.getMediaStreamTrack().enabled };
      const states = [audio.getMediaStreamTrack().readyState, video.getMediaStreamTrack().readyState];
      await audio.setEnabled(false);
      // Disabling releases the microphone, as Agora's setEnabled does.
      const after = { enabled: audio.enabled, mediaEnabled: audio.getMediaStreamTrack().enabled, state: audio.getMediaStreamTrack().readyState };
      const summary = {
        kinds: [audio.trackMediaType, video.trackMediaType],
        states,
        preview: { muted: element.muted, width: element.videoWidth, height: element.videoHeight, playing: video.isPlaying },
        before,
        after,
      };
      audio.close();
      video.close();
      return {
        ...summary,
        closed: [audio.getMediaStreamTrack().readyState, video.getMediaStreamTrack().readyState],
        previewRemoved: document.querySelector('#preview video') === null,
      };
    });
    expect(result.kinds).toEqual(['audio', 'video']);
    expect(result.states).toEqual(['live', 'live']);
    expect(result.preview).toMatchObject({ muted: true, width: 640, height: 480, playing: true });
    expect(result.before).toEqual({ audioEnabled: true });
    expect(result.after).toEqual({ enabled: false, mediaEnabled: false, state: 'ended' });
    expect(result.closed).toEqual(['ended', 'ended']);
    expect(result.previewRemoved).toBe(true);
  });

  it('rejects with typed errors a caller can switch on', async () => {
    const errors = await page.evaluate(async () => {
      const sdk = (window as any).ParleyRTC;
      const client = sdk.createClient({ mode: 'rtc', codec: 'vp8', server: 'http://127.0.0.1:1' });
      const describe = (error: any) => ({ code: error.code, typed: error instanceof sdk.ParleyRTCError, name: error.name });
      const unreachable = await client.join('0123456789abcdef0123456789abcdef', 'room', '007token', 'alice').catch(describe);
      const badChannel = await client.join('0123456789abcdef0123456789abcdef', 'no/slash', '007token').catch(describe);
      const notJoined = await client.subscribe(1, 'video').catch(describe);
      return { unreachable, badChannel, notJoined, state: client.connectionState };
    });
    expect(errors).toEqual({
      unreachable: { code: 'CAN_NOT_GET_GATEWAY_SERVER', typed: true, name: 'ParleyRTCError' },
      badChannel: { code: 'INVALID_PARAMS', typed: true, name: 'ParleyRTCError' },
      notJoined: { code: 'INVALID_OPERATION', typed: true, name: 'ParleyRTCError' },
      state: 'DISCONNECTED',
    });
  });

  it('exports the same SDK from the module bundle, default and named', async () => {
    const modulePage = await browser.context.newPage();
    await modulePage.goto(`${site.url}/module.html`);
    await modulePage.waitForFunction(() => (window as any).moduleExports !== undefined);
    const shape = await modulePage.evaluate(() => {
      const { ParleyRTC, createClient, ParleyRTCError } = (window as any).moduleExports;
      return {
        sameCreate: ParleyRTC.createClient === createClient,
        sameError: ParleyRTC.ParleyRTCError === ParleyRTCError,
        state: createClient({ mode: 'live', codec: 'vp8' }).connectionState,
      };
    });
    expect(shape).toEqual({ sameCreate: true, sameError: true, state: 'DISCONNECTED' });
    await modulePage.close();
  });
});
