/**
 * Stream fallback on a real slow link: Chromium on the host publishes its camera with dual stream;
 * Chromium in a network namespace behind a NAT (test/support/netns.ts) subscribes, allowing
 * fallback to the low layer (Agora's setStreamFallbackOption(uid, 1)). When the subscriber's
 * downlink is throttled to 300 kbps, below what the high layer needs, the SFU must drop it to the
 * low layer within 5 s; once the limit is lifted, bring the high layer back within 15 s. The
 * throttle is held until the SFU has tried the high layer again and failed, as on a real link that
 * stays slow for a while, and lifted right after: the worst moment, the next try being a whole
 * (grown) back-off away.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './support/callTabs.ts';
import { startNatCall, type NatCall } from './support/natCall.ts';

const THROTTLE_KBPS = 300;
/** The longest the throttle is held waiting for the SFU's try of the high layer and its failure. */
const THROTTLE_HOLD_MS = 25_000;
/**
 * What the high layer must be sent at before the throttle: clearly above the limit (audio comes on
 * top). Chromium's fake camera, 640 × 480 at 15 fps, levels off near 400 kbps here.
 */
const HIGH_LAYER_BPS = 350_000;
const HIGH_WIDTH = 640;
const LOW_WIDTH = 160;

describe('stream fallback on a throttled downlink', () => {
  let stage: NatCall;

  beforeAll(async () => {
    stage = await startNatCall();
  });

  afterAll(async () => {
    await stage?.close();
  });

  /** The width of the picture the subscriber's page shows (the <video> the SDK plays into), 0 before any. */
  const shownWidth = (page: Page) => page.evaluate(() => document.querySelector<HTMLVideoElement>('#remote video')?.videoWidth ?? 0);

  /** Waits for the shown width to become `width`; resolves with the milliseconds it took (or the timeout, if it never did). */
  async function timeUntilWidth(page: Page, width: number, timeoutMs: number): Promise<number> {
    const start = Date.now();
    await until(() => shownWidth(page), (shown) => shown === width, timeoutMs);
    return Date.now() - start;
  }

  it('a subscriber throttled to 300 kbps gets the low layer within 5 s, and the high one back within 15 s of the limit lifting', async () => {
    const channel = 'throttled';
    const { nat } = stage;
    const publisher = await stage.hostTabs.joinTab(channel, 'pub', { dualStream: true });
    const subscriber = await stage.natTabs.joinTab(channel, 'sub', { publish: false });
    try {
      await subscriber.evaluate(() => window.client.setStreamFallbackOption('pub', 1));
      expect(await timeUntilWidth(subscriber, HIGH_WIDTH, 20_000)).toBeLessThan(20_000);
      // A new publisher's encoder starts low and climbs as its bandwidth estimate grows: throttle
      // once the high layer needs clearly more than the limit, as a call under way does.
      const receiving = () => subscriber.evaluate(() => window.client.getRemoteVideoStats().pub?.receiveBitrate ?? 0);
      const highBps = await until(receiving, (bps) => bps >= HIGH_LAYER_BPS, 20_000);
      expect(highBps).toBeGreaterThanOrEqual(HIGH_LAYER_BPS);

      await nat.throttle({ downKbps: THROTTLE_KBPS });
      const throttledAt = Date.now();
      const toLowMs = await timeUntilWidth(subscriber, LOW_WIDTH, 10_000);
      // Hold the throttle, noting every width shown, until the SFU has tried the high layer and come back down.
      const shown: number[] = [];
      const seen: string[] = [];
      const triedAndFailed = () => shown.includes(HIGH_WIDTH) && shown.at(-1) === LOW_WIDTH;
      while (!triedAndFailed() && Date.now() - throttledAt < THROTTLE_HOLD_MS) {
        const width = await shownWidth(subscriber);
        if (shown.at(-1) !== width) {
          shown.push(width);
          seen.push(`${((Date.now() - throttledAt) / 1000).toFixed(1)}s:${width}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(triedAndFailed(), `a failed try of the high layer while throttled (${seen.join(' ')})`).toBe(true);
      await nat.throttle(null);
      const backMs = await timeUntilWidth(subscriber, HIGH_WIDTH, 25_000);
      // Frames keep coming on the high layer.
      const decoded = () => subscriber.evaluate(() => window.client.getRemoteVideoStats().pub?.framesDecoded ?? 0);
      const framesBack = await decoded();
      const later = await until(decoded, (frames) => frames >= framesBack + 15, 5_000);
      const log = await subscriber.evaluate(() => window.log.filter((line) => line.startsWith('stream-type:')));
      console.log(`throttle ${THROTTLE_KBPS} kbps (high layer at ${Math.round(highBps / 1000)} kbps before): low layer shown after ${toLowMs} ms; widths while throttled ${seen.join(' ')}; high layer back ${backMs} ms after lifting; events ${log.join(' ')}`);

      expect(toLowMs, 'low layer within 5 s of throttling').toBeLessThanOrEqual(5_000);
      expect(log, 'the SDK told of the switch down').toContain('stream-type:pub:1');
      expect(backMs, 'high layer within 15 s of lifting').toBeLessThanOrEqual(15_000);
      expect(log.at(-1)).toBe('stream-type:pub:0');
      expect(later).toBeGreaterThanOrEqual(framesBack + 15);
    } finally {
      await nat.throttle(null);
      await Promise.all([publisher, subscriber].map(async (page) => {
        await page.evaluate(() => window.client.leave()).catch(() => {});
        await page.close();
      }));
    }
  }, 90_000);
});
