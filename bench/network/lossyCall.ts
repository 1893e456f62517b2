/**
 * Call quality at one loss level: the NAT'ed Chromium and the host's Chromium in a fresh call,
 * video and audio both ways, with the NAT'ed client's media steered through the impaired link
 * (test/support/impairedLink.ts) already set to the level, so the call starts on the bad link as
 * a real one would. After both directions decode and a warm-up (the encoders' ramp-up), one
 * window is measured by the SDK's own statistics at both ends (test/browser/support/callQuality.ts).
 * A call that does not get both directions decoding within 30 s is an error, with what the tabs
 * heard of their connections.
 */
import type { Page } from 'playwright-core';
import type { ImpairedLink, ImpairedLinkStats } from '../../test/support/impairedLink.ts';
import { directionCounters, directionQuality, type DirectionQuality } from '../../test/browser/support/callQuality.ts';
import { until } from '../../test/browser/support/callTabs.ts';
import type { NatCall } from '../../test/browser/support/natCall.ts';

export interface LossLevelResult {
  lossPercent: number;
  rttMs: number;
  /** The loss the link really applied in the window, each way (%). */
  appliedLossPercent: { up: number; down: number };
  /** Datagrams the link carried in the window, each way (dropped ones included). */
  datagrams: { up: number; down: number };
  /** The round trip the NAT'ed client measured to the server (SDK `getRTCStats().RTT`). */
  measuredRttMs: number;
  localCandidateType: string;
  /** NAT'ed client → host (its uplink crosses the lossy link). */
  uplink: DirectionQuality;
  /** Host → NAT'ed client (its downlink crosses the lossy link). */
  downlink: DirectionQuality;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function linkWindow(before: ImpairedLinkStats, after: ImpairedLinkStats, way: 'up' | 'down'): { datagrams: number; lossPercent: number } {
  const dropped = after[way].dropped - before[way].dropped;
  const datagrams = dropped + after[way].forwarded - before[way].forwarded;
  return { datagrams, lossPercent: datagrams > 0 ? Math.round((dropped / datagrams) * 1000) / 10 : 0 };
}

export async function lossyCall(stage: NatCall, link: ImpairedLink, options: { lossPercent: number; rttMs: number; warmupMs: number; measureMs: number }): Promise<LossLevelResult> {
  link.impair({ lossRate: options.lossPercent / 100, rttMs: options.rttMs });
  const channel = `bench-loss-${options.lossPercent}`;
  const pages: Page[] = [];
  try {
    const far = await stage.natTabs.joinTab(channel, 'far');
    pages.push(far);
    const near = await stage.hostTabs.joinTab(channel, 'near');
    pages.push(near);
    const toNat = await until(() => stage.natTabs.decodedFrom(far, 'near'), (s) => s.frames >= 40, 30_000);
    const toHost = await until(() => stage.hostTabs.decodedFrom(near, 'far'), (s) => s.frames >= 40, 30_000);
    if (toNat.frames < 40 || toHost.frames < 40) {
      const heard = async (page: Page) => (await page.evaluate(() => window.log)).join(' ');
      throw new Error(`the call was not up within 30 s (frames decoded: ${toNat.frames} behind the NAT, ${toHost.frames} on the host; NAT'ed tab heard: ${await heard(far)}; host tab heard: ${await heard(near)})`);
    }
    await sleep(options.warmupMs);
    const before = await Promise.all([directionCounters(far, near, 'far'), directionCounters(near, far, 'near')]);
    const linkBefore = link.stats();
    await sleep(options.measureMs);
    const after = await Promise.all([directionCounters(far, near, 'far'), directionCounters(near, far, 'near')]);
    const linkAfter = link.stats();
    const up = linkWindow(linkBefore, linkAfter, 'up');
    const down = linkWindow(linkBefore, linkAfter, 'down');
    const rtc = await far.evaluate(() => window.client.getRTCStats() as { RTT: number; LocalCandidateType: string });
    return {
      lossPercent: options.lossPercent,
      rttMs: options.rttMs,
      appliedLossPercent: { up: up.lossPercent, down: down.lossPercent },
      datagrams: { up: up.datagrams, down: down.datagrams },
      measuredRttMs: rtc.RTT,
      localCandidateType: rtc.LocalCandidateType,
      uplink: directionQuality(before[0], after[0]),
      downlink: directionQuality(before[1], after[1]),
    };
  } finally {
    await Promise.all(pages.map(async (page) => {
      await page.evaluate(() => window.client.leave()).catch(() => {});
      await page.close();
    }));
  }
}
