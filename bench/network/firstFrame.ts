/**
 * One join → first remote frame trial in a fresh Chromium tab: the tab loads the web SDK, joins a
 * channel where someone already publishes video, subscribes to it when it is announced and plays
 * it. The clock starts just before `client.join` and stops at the first frame the <video> element
 * presents: `requestVideoFrameCallback` fires once per composited frame and hands the frame's
 * `presentationTime`, in the same clock as `performance.now()`. Polling the SDK's
 * `getRemoteVideoStats().framesDecoded` would be no finer than the SDK's statistics interval
 * (one second); polling the peer connection's getStats every few milliseconds would load the
 * tab being timed. Then the tab reports which path its media took (the SDK's `getRTCStats`).
 */
import type { TestBrowser } from '../../test/sdk/support/browser.ts';
import { until } from '../../test/browser/support/callTabs.ts';

export interface FirstFrameTrial {
  /** Just before `client.join` → the first remote video frame presented. */
  firstFrameMs: number;
  /** → `client.join` resolved (signaling: socket, token check, room). */
  joinedMs: number;
  /** → the publisher's video announced (`user-published`). */
  publishedMs: number;
  /** → `client.subscribe` resolved (signaling: the server's offer answered). */
  subscribedMs: number;
  /** → the subscriber's peer connection `connected` (ICE and DTLS done). */
  connectedMs: number;
  /** → the last packet of the first frame arrived (the frame's `receiveTime`), when Chromium gives it. */
  receivedMs: number | null;
  /** The media path, from `getRTCStats`: 'host' / 'srflx' / 'prflx' / 'relay', and the relay's transport. */
  localCandidateType: string;
  relayProtocol: string;
}

export interface FirstFrameTarget {
  browser: TestBrowser;
  serverUrl: string;
  appId: string;
  channel: string;
  uid: string;
  token: string;
  /** Whose video to wait for. */
  publisherUid: string;
  timeoutMs: number;
}

export async function firstFrameTrial(target: FirstFrameTarget): Promise<FirstFrameTrial> {
  const { browser, serverUrl, ...call } = target;
  const page = await browser.context.newPage();
  try {
    // A page of the server's origin (told to count as secure), so the SDK may be loaded and used.
    await page.goto(`${serverUrl}/healthz`);
    await page.setContent('<div id="remote"></div>');
    await page.addScriptTag({ url: `${serverUrl}/sdk/parley-rtc.js` });
    await page.evaluate((url) => window.ParleyRTC.setServer(url), serverUrl);
    const timings = await page.evaluate(async ({ appId, channel, uid, token, publisherUid, timeoutMs }) => {
      const client = window.ParleyRTC.createClient({ mode: 'rtc', codec: 'vp8' });
      window.client = client;
      const marks = { published: NaN, subscribed: NaN, connected: NaN };
      client.on('peerconnection-state-change', (state: string) => {
        if (state === 'connected' && Number.isNaN(marks.connected)) marks.connected = performance.now();
      });
      const firstFrame = new Promise<{ presentationTime: number; receiveTime?: number }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no frame from ${publisherUid} within ${timeoutMs} ms`)), timeoutMs);
        client.on('user-published', async (user: any, kind: string) => {
          if (kind !== 'video' || String(user.uid) !== publisherUid) return;
          marks.published = performance.now();
          await client.subscribe(user, 'video');
          marks.subscribed = performance.now();
          user.videoTrack.play('remote');
          const video = document.querySelector<HTMLVideoElement>('#remote video')!;
          video.requestVideoFrameCallback((_now, metadata) => {
            clearTimeout(timer);
            resolve(metadata);
          });
        });
      });
      const start = performance.now();
      await client.join(appId, channel, token, uid);
      const joined = performance.now();
      const frame = await firstFrame;
      return {
        firstFrameMs: frame.presentationTime - start,
        joinedMs: joined - start,
        publishedMs: marks.published - start,
        subscribedMs: marks.subscribed - start,
        connectedMs: marks.connected - start,
        receivedMs: frame.receiveTime === undefined ? null : frame.receiveTime - start,
      };
    }, call);
    // The SDK fills the path in from its first statistics round after the connection is up.
    const path = await until(
      () => page.evaluate(() => window.client.getRTCStats() as { LocalCandidateType: string; RelayProtocol: string }),
      (stats) => stats.LocalCandidateType !== '',
      5_000,
    );
    return { ...timings, localCandidateType: path.LocalCandidateType, relayProtocol: path.RelayProtocol };
  } finally {
    await page.evaluate(() => window.client?.leave()).catch(() => {});
    await page.close();
  }
}
