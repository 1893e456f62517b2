/**
 * Chromium tabs in calls through the web SDK, for the browser tests: a tab loads the SDK from the
 * test server, joins, publishes camera and microphone and subscribes to everyone who publishes;
 * what it decoded is read from the SDK's own statistics. Everything a tab hears of is in
 * `window.log`.
 */
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../sdk/support/browser.ts';

declare global {
  interface Window {
    ParleyRTC: any;
    client: any;
    log: string[];
  }
}

export interface TabOptions {
  /** Agora's setEncryptionConfig arguments, given before join (the salt as plain numbers). */
  encryption?: { mode: string; secret: string; salt?: number[] };
  /** False hides RTCRtpScriptTransform, as in browsers that only have createEncodedStreams. */
  scriptTransform?: boolean;
  /** False joins without publishing camera and microphone. */
  publish?: boolean;
  /** Turns dual stream on before publishing. */
  dualStream?: boolean;
  /** Asks for the low layer of every dual-stream video, before joining. */
  lowByDefault?: boolean;
  /** setServer's argument (a cluster's nodes, in order); default the test server the tab was loaded from. */
  servers?: string[];
  /** The camera's encoder preset (Agora's names, e.g. '120p'): small, so that many tabs fit on two cores. */
  encoderConfig?: string;
}

export interface CallTabs {
  /** A tab that joins `channel` as `uid` (token null: without one), publishes camera+mic (unless told not to) and subscribes to everyone. */
  joinTab(channel: string, uid: number | string, options?: TabOptions & { token?: string | null }): Promise<Page>;
  /** Video frames decoded and audio bytes received from `uid`, by the SDK's statistics. */
  decodedFrom(page: Page, uid: number | string): Promise<{ frames: number; audioBytes: number }>;
}

export function callTabs(browser: TestBrowser, serverUrl: string, appId: string, token: (channel: string, uid: number | string) => string): CallTabs {
  return {
    async joinTab(channel, uid, { token: tokenText = token(channel, uid), encryption, scriptTransform = true, publish = true, dualStream = false, lowByDefault = false, servers, encoderConfig } = {}) {
      const page = await browser.context.newPage();
      // A page of the server's origin: http://127.0.0.1 is a secure context, so getUserMedia works.
      await page.goto(`${serverUrl}/healthz`);
      await page.setContent('<div id="remote"></div>');
      if (!scriptTransform) await page.evaluate(() => delete (window as any).RTCRtpScriptTransform);
      await page.addScriptTag({ url: `${serverUrl}/sdk/parley-rtc.js` });
      await page.evaluate((url) => window.ParleyRTC.setServer(url), servers ?? serverUrl);
      await page.evaluate(
        async ({ appId, channel, uid, token, encryption, publish, dualStream, lowByDefault, encoderConfig }) => {
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
          client.on('crypt-error', () => window.log.push('crypt-error'));
          client.on('stream-type-changed', (uid: string, streamType: number) => window.log.push(`stream-type:${uid}:${streamType}`));
          if (lowByDefault) await client.setRemoteDefaultVideoStreamType(1);
          if (encryption) client.setEncryptionConfig(encryption.mode, encryption.secret, encryption.salt && new Uint8Array(encryption.salt));
          await client.join(appId, channel, token, uid);
          if (dualStream) await client.enableDualStream();
          if (!publish) return;
          const tracks = await window.ParleyRTC.createMicrophoneAndCameraTracks({}, encoderConfig ? { encoderConfig } : {});
          await client.publish(tracks);
        },
        { appId, channel, uid, token: tokenText, encryption, publish, dualStream, lowByDefault, encoderConfig },
      );
      return page;
    },

    decodedFrom(page, uid) {
      return page.evaluate(async (uid) => {
        const video = (await window.client.getRemoteVideoStats())[uid];
        const audio = (await window.client.getRemoteAudioStats())[uid];
        return { frames: video?.framesDecoded ?? 0, audioBytes: audio?.receiveBytes ?? 0 };
      }, uid);
    },
  };
}

/** Polls `probe` until `ok` holds or `timeoutMs` passes; resolves with the last value either way. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
