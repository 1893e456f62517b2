/**
 * End-to-end media encryption in real Chromium calls (Agora's setEncryptionConfig): clients with
 * the same key see and hear each other through the SFU; what the SFU receives is sealed frames
 * (tapped at the server, they open only with the clients' key); a client with another key decodes
 * nothing and is told with `crypt-error`, one without encryption gets no picture; and a browser
 * with only createEncodedStreams interoperates.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { deriveMediaKey } from '../../packages/sdk-web/src/encryption/encryptionConfig.ts';
import { frameCipher } from '../../packages/sdk-web/src/encryption/frameCipher.ts';
import { BACKENDS } from '../support/backends.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';
import { callTabs, until, type CallTabs, type TabOptions } from './support/callTabs.ts';

const SALT = Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
const KEY: TabOptions['encryption'] = { mode: 'aes-256-gcm2', secret: 'Parley-E2EE-test-Secret-1', salt: SALT };

describe('end-to-end media encryption in Chromium', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let tabs: CallTabs;
  let pages: Page[] = [];
  const joinTab: CallTabs['joinTab'] = async (...args) => {
    const page = await tabs.joinTab(...args);
    pages.push(page);
    return page;
  };

  const token = (channel: string, uid: number | string) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    browser = await launchChromium();
    tabs = callTabs(browser, t.url, project.appId, token);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });
  // Tabs left running by a failed test would starve the next one of CPU.
  afterEach(async () => {
    for (const page of pages) await page.close();
    pages = [];
  });

  /** The RTP payloads of `uid`'s published audio as the SFU receives them: one Opus frame each. */
  async function tapAudio(channel: string, uid: string, count: number): Promise<Buffer[]> {
    const track = await until(
      async () => t.server.services.rtc.room(project.appId, channel)?.find(uid)?.publishedTrack('audio')?.track,
      (found) => found !== undefined,
    );
    const payloads: Buffer[] = [];
    await new Promise<void>((resolve) => {
      const tap = track!.onReceiveRtp.subscribe((rtp) => {
        payloads.push(Buffer.from(rtp.payload));
        if (payloads.length < count) return;
        tap.unSubscribe();
        resolve();
      });
    });
    return payloads;
  }

  /** Audio samples played out that were decoded, not concealed (silence made up for missing frames). */
  const decodedAudio = (page: Page, uid: string) =>
    page.evaluate(async (uid) => {
      const audio = (await window.client.getRemoteAudioStats())[uid];
      return audio ? audio.totalSamplesReceived - audio.concealedSamples : 0;
    }, uid);
  const logOf = (page: Page) => page.evaluate(() => window.log);

  it('lets clients with the same key see and hear each other, while a wrong key decodes nothing and hears crypt-error, and no key sees no picture', async () => {
    const alice = await joinTab('e2ee-call', 'alice', { encryption: KEY });
    const bob = await joinTab('e2ee-call', 'bob', { encryption: KEY });
    const mallory = await joinTab('e2ee-call', 'mallory', { encryption: { ...KEY, secret: 'Another-E2EE-test-Secret-2' } });
    await mallory.evaluate(() => {
      (window as any).cryptErrorsAt = [];
      window.client.on('crypt-error', () => (window as any).cryptErrorsAt.push(Date.now()));
    });
    const eve = await joinTab('e2ee-call', 'eve');

    const fromBob = await until(() => tabs.decodedFrom(alice, 'bob'), (s) => s.frames >= 30 && s.audioBytes > 0);
    const fromAlice = await until(() => tabs.decodedFrom(bob, 'alice'), (s) => s.frames >= 30 && s.audioBytes > 0);
    expect(fromBob.frames).toBeGreaterThanOrEqual(30);
    expect(fromAlice.frames).toBeGreaterThanOrEqual(30);
    expect(await until(() => decodedAudio(alice, 'bob'), (samples) => samples > 48_000)).toBeGreaterThan(48_000);
    expect(await until(() => decodedAudio(bob, 'alice'), (samples) => samples > 48_000)).toBeGreaterThan(48_000);

    // The clients told the server at join: the channel is marked encrypted.
    const room = t.server.services.rtc.room(project.appId, 'e2ee-call')!;
    expect(room.encrypted).toBe(true);
    expect(room.participants.map((p) => `${p.uid}:${p.encrypted}`).sort()).toEqual(['alice:true', 'bob:true', 'eve:false', 'mallory:true']);

    // The SFU receives sealed frames: each opens with the clients' key and with no other.
    const payloads = await tapAudio('e2ee-call', 'alice', 50);
    const cipher = frameCipher();
    const key = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: KEY!.secret, salt: new Uint8Array(SALT) });
    const wrongKey = await deriveMediaKey({ mode: 'aes-256-gcm2', secret: 'Another-E2EE-test-Secret-2', salt: new Uint8Array(SALT) });
    const arrayBuffer = (payload: Buffer) => new Uint8Array(payload).buffer;
    for (const payload of payloads) {
      expect(payload.at(-1)).toBe(1);
      const opened = new Uint8Array(await cipher.open(key, arrayBuffer(payload)));
      expect(opened.length).toBe(payload.length - 29);
      expect(opened[0]).toBe(payload[0]);
      await expect(cipher.open(wrongKey, arrayBuffer(payload))).rejects.toThrow();
    }

    // The same forwarded packets reach mallory (wrong secret) and eve (no encryption): plenty of
    // bytes, and mallory's frames fail authentication, so none reaches a decoder.
    const malloryLog = await until(() => logOf(mallory), (log) => log.includes('crypt-error'));
    expect(malloryLog).toContain('crypt-error');
    const videoFromAlice = (page: Page) => page.evaluate(async () => (await window.client.getRemoteVideoStats()).alice);
    // Wait on packets as well as bytes: a few keyframes can pass 100 kB in fewer than 100 packets.
    const plenty = (video: { receiveBytes?: number; receivePackets?: number } | undefined) => (video?.receiveBytes ?? 0) > 100_000 && (video?.receivePackets ?? 0) > 100;
    for (const page of [mallory, eve]) await until(() => videoFromAlice(page), plenty);
    const malloryVideo = await videoFromAlice(mallory);
    // Chromium counts frames after the receive transform, which drops them all: packets arrive, frames do not.
    expect(malloryVideo.receivePackets).toBeGreaterThan(100);
    expect(malloryVideo.framesReceived).toBe(0);
    expect(malloryVideo.framesDecoded).toBe(0);
    expect(await decodedAudio(mallory, 'alice')).toBe(0);
    // Eve's decoders get ciphertext behind VP8's clear header: libvpx rejects nearly every frame
    // (a rare keyframe passes as noise), and Opus, which has no checks to fail, plays noise.
    const eveVideo = await videoFromAlice(eve);
    const bobDecoded = (await tabs.decodedFrom(bob, 'alice')).frames;
    expect(eveVideo.receivePackets).toBeGreaterThan(100);
    expect(eveVideo.framesDecoded).toBeLessThanOrEqual(bobDecoded / 10);
    // crypt-error comes again while frames keep failing, at most once every 5 s.
    const errorsAt = await until(() => mallory.evaluate(() => (window as any).cryptErrorsAt as number[]), (times) => times.length >= 2);
    expect(errorsAt.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < errorsAt.length; i++) expect(errorsAt[i]! - errorsAt[i - 1]!).toBeGreaterThanOrEqual(5_000);
    expect(await logOf(bob)).toContain('crypt-error');
    expect((await tabs.decodedFrom(alice, 'bob')).frames).toBeGreaterThan(fromBob.frames);
  }, 90_000);

  it('interoperates with a browser that only has createEncodedStreams', async () => {
    const ada = await joinTab('e2ee-legacy', 'ada', { encryption: KEY });
    const old = await joinTab('e2ee-legacy', 'old', { encryption: KEY, scriptTransform: false });
    expect(await old.evaluate(() => typeof (window as any).RTCRtpScriptTransform)).toBe('undefined');
    expect((await until(() => tabs.decodedFrom(ada, 'old'), (s) => s.frames >= 30)).frames).toBeGreaterThanOrEqual(30);
    expect((await until(() => tabs.decodedFrom(old, 'ada'), (s) => s.frames >= 30)).frames).toBeGreaterThanOrEqual(30);
    expect(await until(() => decodedAudio(old, 'ada'), (samples) => samples > 48_000)).toBeGreaterThan(48_000);
    for (const page of [ada, old]) expect(await logOf(page)).not.toContain('crypt-error');
  }, 60_000);

  it('refuses the modes it cannot honour with NOT_SUPPORTED and a change after join with INVALID_OPERATION; leaving the channel turns encryption off', async () => {
    const page = await joinTab('e2ee-rules', 'rules', { encryption: KEY });
    const codes = await page.evaluate((salt) => {
      const attempt = (run: () => void) => {
        try {
          run();
          return 'ok';
        } catch (error: any) {
          return error.code;
        }
      };
      const fresh = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      return {
        xts: attempt(() => fresh.setEncryptionConfig('aes-256-xts', 'Parley-E2EE-test-Secret-1')),
        sm4: attempt(() => fresh.setEncryptionConfig('sm4-128-ecb', 'Parley-E2EE-test-Secret-1')),
        noSalt: attempt(() => fresh.setEncryptionConfig('aes-128-gcm2', 'Parley-E2EE-test-Secret-1')),
        none: attempt(() => fresh.setEncryptionConfig('none', '')),
        afterJoin: attempt(() => window.client.setEncryptionConfig('aes-128-gcm2', 'Parley-E2EE-test-Secret-1', new Uint8Array(salt))),
      };
    }, SALT);
    expect(codes).toEqual({ xts: 'NOT_SUPPORTED', sm4: 'NOT_SUPPORTED', noSalt: 'INVALID_PARAMS', none: 'ok', afterJoin: 'INVALID_OPERATION' });

    // A leave() before joining keeps encryption on; leaving the channel turns it off, as in Agora.
    const encryptedAt = async () => t.server.services.rtc.room(project.appId, 'e2ee-rules')?.find('again')?.encrypted;
    const joinAgain = (leaveFirst: boolean) =>
      page.evaluate(
        async ({ appId, token, leaveFirst }) => {
          const client = ((window as any).again ??= window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' }));
          if (leaveFirst) await client.leave();
          await client.join(appId, 'e2ee-rules', token, 'again');
        },
        { appId: project.appId, token: token('e2ee-rules', 'again'), leaveFirst },
      );
    await page.evaluate((salt) => {
      (window as any).again = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      (window as any).again.setEncryptionConfig('aes-128-gcm2', 'Parley-E2EE-test-Secret-1', new Uint8Array(salt));
    }, SALT);
    await joinAgain(true);
    expect(await encryptedAt()).toBe(true);
    await joinAgain(true);
    expect(await until(encryptedAt, (encrypted) => encrypted === false)).toBe(false);
  }, 60_000);
});
