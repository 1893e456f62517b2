/**
 * Video codecs beyond VP8 in real calls: headless Chromium tabs publish their fake camera through
 * the web SDK with `createClient({codec})`, the SFU forwards each stream as it was sent, and a
 * viewer tab decodes them all in one channel (VP8 beside H.264 and the others), each in its
 * publisher's codec as getStats reports it on both ends. A tab whose browser cannot send H.264
 * publishes VP8 after one warning. An individual recording of the channel reads every codec: each
 * raw slice in its publisher's codec (H.264 in Matroska), each MP4 as H.264 with a duration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { ffprobe } from '../support/media.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';
import { launchChromium, type TestBrowser } from '../sdk/support/browser.ts';

declare global {
  interface Window {
    ParleyRTC: any;
    client: any;
    /** Every RTCPeerConnection the page made, for the codec details the SDK's stats leave out. */
    peers: RTCPeerConnection[];
  }
}

interface VideoRtp {
  mimeType: string;
  fmtp: string;
  /** Keyframe requests the publisher received (outbound only). */
  pliCount: number;
}

const CHANNEL = 'codecs';
/** Publisher uid → the codec it asks for and the one getStats must show. */
const PUBLISHERS = {
  vp8: { codec: 'vp8', sends: 'VP8' },
  vp9: { codec: 'vp9', sends: 'VP9' },
  h264: { codec: 'h264', sends: 'H264' },
  av1: { codec: 'av1', sends: 'AV1' },
  // Its browser claims no H.264 encoder, so the SDK falls back.
  noh264: { codec: 'h264', sends: 'VP8' },
} as const;
type Uid = keyof typeof PUBLISHERS;
const UIDS = Object.keys(PUBLISHERS) as Uid[];
/** ffprobe's name of what each publisher's raw recording holds, and the file's extension. */
const RAW = { VP8: ['vp8', 'webm'], VP9: ['vp9', 'webm'], H264: ['h264', 'mkv'], AV1: ['av1', 'webm'] } as const;

describe('video codecs in Chromium through the web SDK and the SFU', () => {
  let t: TestServer;
  let browser: TestBrowser;
  let project: CreatedProject;
  let auth: string;
  let viewer: Page;
  const publishers = new Map<Uid, Page>();
  const warnings = new Map<Uid, string[]>();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-codecs-'));

  /** A tab of the server's origin (a secure context) with the SDK loaded and a client joined. */
  async function joinTab(uid: string, codec: string, options: { hideSendCodec?: string } = {}): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`${t.url}/healthz`);
    await page.setContent('<div id="remote"></div>');
    await page.evaluate(() => {
      const Native = window.RTCPeerConnection;
      window.peers = [];
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          window.peers.push(this);
        }
      };
    });
    if (options.hideSendCodec) {
      await page.evaluate((mimeType) => {
        const original = RTCRtpSender.getCapabilities.bind(RTCRtpSender);
        RTCRtpSender.getCapabilities = (kind) => {
          const capabilities = original(kind);
          return capabilities && { ...capabilities, codecs: capabilities.codecs.filter((c) => c.mimeType !== mimeType) };
        };
      }, options.hideSendCodec);
    }
    await page.addScriptTag({ url: `${t.url}/sdk/parley-rtc.js` });
    const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: CHANNEL, uid, role: 'publisher', tokenExpireSeconds: 600 });
    await page.evaluate(
      async ({ url, appId, channel, uid, token, codec }) => {
        window.ParleyRTC.setServer(url);
        window.client = window.ParleyRTC.createClient({ mode: 'rtc', codec });
        await window.client.join(appId, channel, token, uid);
      },
      { url: t.url, appId: project.appId, channel: CHANNEL, uid, token, codec },
    );
    return page;
  }

  async function publishCamera(uid: Uid | 'h264late'): Promise<void> {
    const { codec } = uid === 'h264late' ? PUBLISHERS.h264 : PUBLISHERS[uid];
    const page = await joinTab(uid, codec, uid === 'noh264' ? { hideSendCodec: 'video/H264' } : {});
    const said: string[] = [];
    if (uid !== 'h264late') {
      publishers.set(uid, page);
      warnings.set(uid, said);
    }
    page.on('console', (message) => message.type() === 'warning' && said.push(message.text()));
    await page.evaluate(async () => {
      // 320×240 at 15 fps keeps five encoders and their decoders within two cores.
      const camera = await window.ParleyRTC.createCameraVideoTrack({ encoderConfig: '240p_1' });
      await window.client.publish(camera);
    });
  }

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    browser = await launchChromium();
    viewer = await joinTab('viewer', 'vp8');
    await viewer.evaluate(() => {
      window.client.on('user-published', async (user: any, kind: string) => {
        if (kind !== 'video') return;
        await window.client.subscribe(user, kind);
        user.videoTrack.play('remote');
      });
    });
    await Promise.all(UIDS.map(publishCamera));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** The page's video RTP streams of one direction, with their codec as negotiated. */
  function videoRtp(page: Page, type: 'outbound-rtp' | 'inbound-rtp'): Promise<VideoRtp[]> {
    return page.evaluate(async (type) => {
      const found: VideoRtp[] = [];
      for (const pc of window.peers) {
        const stats = [...(await pc.getStats()).values()];
        for (const rtp of stats.filter((s) => s.type === type && s.kind === 'video')) {
          const codec = stats.find((s) => s.id === rtp.codecId);
          found.push({ mimeType: codec?.mimeType, fmtp: codec?.sdpFmtpLine ?? '', pliCount: rtp.pliCount ?? 0 });
        }
      }
      return found;
    }, type);
  }

  it('each publisher sends the codec it chose, and one viewer decodes them all in those codecs', async () => {
    const received = await waitUntil(
      async () => {
        const stats = await viewer.evaluate(() => window.client.getRemoteVideoStats());
        return UIDS.every((uid) => (stats[uid]?.framesDecoded ?? 0) >= 15) ? stats : undefined;
      },
      'frames from every publisher',
      { timeoutMs: 30_000, intervalMs: 250 },
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(await viewer.evaluate(() => window.client.getRemoteVideoStats()))}`);
    });
    for (const uid of UIDS) {
      const sent = await publishers.get(uid)!.evaluate(() => window.client.getLocalVideoStats());
      expect({ uid, sent: sent.codecType, received: received[uid].codecType }).toEqual({ uid, sent: PUBLISHERS[uid].sends, received: PUBLISHERS[uid].sends });
    }
    // H.264 as the SDK prefers it, end to end: packetization-mode 1, constrained baseline.
    const h264Sent = (await videoRtp(publishers.get('h264')!, 'outbound-rtp'))[0]!;
    const h264Received = (await videoRtp(viewer, 'inbound-rtp')).find((rtp) => rtp.mimeType === 'video/H264')!;
    for (const { fmtp } of [h264Sent, h264Received]) {
      expect(fmtp).toMatch(/packetization-mode=1/);
      expect(fmtp).toMatch(/profile-level-id=42e01f/);
    }
  }, 45_000);

  it('protects media with AES-GCM SRTP (AEAD_AES_128_GCM) on every connection, the SFU\'s first choice when the browser offers it', async () => {
    const ciphers = await viewer.evaluate(async () => {
      const found: string[] = [];
      for (const pc of window.peers) for (const stats of (await pc.getStats()).values()) if (stats.type === 'transport' && stats.srtpCipher) found.push(stats.srtpCipher);
      return found;
    });
    expect(ciphers.length, 'the viewer\'s connections').toBeGreaterThanOrEqual(1);
    // Chromium names the RFC 7714 profile by its IANA name.
    expect(new Set(ciphers)).toEqual(new Set(['SRTP_AEAD_AES_128_GCM']));
  });

  it('a browser that cannot send the chosen codec publishes VP8 and says so once', () => {
    const fallback = (warnings.get('noh264') ?? []).filter((text) => text.includes('VP8'));
    expect(fallback).toEqual([expect.stringMatching(/^\[ParleyRTC\] This browser cannot send H264 video: publishing VP8 instead$/)]);
    for (const uid of ['vp9', 'h264', 'av1'] as const) expect(warnings.get(uid)?.filter((text) => text.includes('VP8'))).toEqual([]);
  });

  it('records every codec: raw slices in the publisher\'s codec (H.264 as .mkv), MP4s as H.264 with a duration', async () => {
    const keyframeRequests = async () => Object.fromEntries(await Promise.all(UIDS.map(async (uid) => [uid, (await videoRtp(publishers.get(uid)!, 'outbound-rtp'))[0]?.pliCount ?? 0] as const)));
    const requestsBefore = await keyframeRequests();
    const base = `/v1/projects/${project.appId}/channels/${CHANNEL}/recordings`;
    const started = await call(t.url, 'POST', base, { auth, body: { uid: '900', mode: 'individual', avFileType: ['hls', 'mp4'] } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const { sid } = started.body.data;
    const workDir = path.join(t.config.store.dataDir, 'recording-work', sid);
    const rawOf = (uid: Uid) => fs.readdirSync(workDir).find((name) => name.startsWith(`${uid}__video__`) && !name.endsWith('.ts'));
    await waitUntil(() => UIDS.every((uid) => rawOf(uid)), 'a raw slice for every publisher', { timeoutMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const uid of UIDS) {
      const [codec, extension] = RAW[PUBLISHERS[uid].sends];
      const raw = rawOf(uid)!;
      expect(raw.endsWith(`.${extension}`), raw).toBe(true);
      expect((await ffprobe(path.join(workDir, raw))).video?.codec, raw).toBe(codec);
    }
    // The recorder joined late: the SFU relayed its keyframe requests to every publisher, whatever the codec.
    const requestsAfter = await keyframeRequests();
    for (const uid of UIDS) expect(requestsAfter[uid], uid).toBeGreaterThan(requestsBefore[uid]!);

    const stop = await call(t.url, 'POST', `${base}/${sid}/stop`, { auth });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    const { fileList } = stop.body.data.serverResponse as { fileList: Array<{ fileName: string; uid: string; trackType: string; isPlayable: boolean; downloadUrl: string }> };
    const mp4s = fileList.filter((file) => file.fileName.endsWith('.mp4'));
    expect(mp4s.map((file) => `${file.uid}/${file.trackType}`).sort()).toEqual(UIDS.map((uid) => `${uid}/video`).sort());
    for (const file of mp4s) {
      expect(file.isPlayable, file.fileName).toBe(true);
      const response = await fetch(`${t.url}${file.downloadUrl}`, { headers: { authorization: auth } });
      const local = path.join(scratch, path.basename(file.fileName));
      fs.writeFileSync(local, Buffer.from(await response.arrayBuffer()));
      const probe = await ffprobe(local);
      expect(probe.video, file.fileName).toEqual({ codec: 'h264', width: 320, height: 240 });
      expect(probe.duration, file.fileName).toBeGreaterThan(2);
    }
  }, 60_000);

  it('gives a later H.264 publisher its own subscribe transceiver rather than the one a VP8 publisher left', async () => {
    await publishers.get('vp8')!.evaluate(() => window.client.unpublish());
    await waitUntil(async () => !(await viewer.evaluate(() => window.client.getRemoteVideoStats())).vp8, 'the viewer to drop VP8', { timeoutMs: 10_000 });
    await publishCamera('h264late');
    const late = await waitUntil(
      async () => {
        const stats = (await viewer.evaluate(() => window.client.getRemoteVideoStats())).h264late;
        return (stats?.framesDecoded ?? 0) >= 15 ? stats : undefined;
      },
      'frames from the later H.264 publisher',
      { timeoutMs: 15_000, intervalMs: 250 },
    );
    expect(late.codecType).toBe('H264');
  }, 45_000);
});
