import { describe, expect, it } from 'vitest';
import { CONGESTION_HOLD_MS, DownlinkFallback, INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from './downlinkFallback.ts';

describe('downlink fallback', () => {
  /**
   * Feeds one reading a second from `from` for `seconds` (the estimate a function of the second, or
   * a link that just fell to `estimateBps`); returns the levels it changed to.
   */
  function feed(fallback: DownlinkFallback, from: number, seconds: number, estimateBps: number | undefined | ((second: number) => number), sendingBps: number, deepest: 0 | 1 | 2 = 2) {
    const changes: Array<{ at: number; level: number }> = [];
    if (typeof estimateBps === 'number') fallback.update({ now: from - 1, estimateBps: estimateBps + 1, sendingBps }, deepest);
    for (let at = from; at < from + seconds * 1000; at += 1000) {
      const estimate = typeof estimateBps === 'function' ? estimateBps((at - from) / 1000) : estimateBps;
      const level = fallback.update({ now: at, estimateBps: estimate, sendingBps }, deepest);
      if (level !== undefined) changes.push({ at, level });
    }
    return changes;
  }

  it('stays up while the estimate covers what is sent, and before any estimate', () => {
    const fallback = new DownlinkFallback();
    expect(feed(fallback, 0, 30, 1_500_000, 600_000)).toEqual([]);
    expect(feed(fallback, 30_000, 30, undefined, 600_000)).toEqual([]);
  });

  it('takes a new connection\'s estimate climbing towards what is sent for what it is, not congestion', () => {
    expect(feed(new DownlinkFallback(), 0, 20, (second) => 300_000 + second * 40_000, 900_000)).toEqual([]);
  });

  it('steps down after the estimate stays under what is sent, one level at a time, as deep as allowed', () => {
    const fallback = new DownlinkFallback();
    const changes = feed(fallback, 0, 10, 300_000, 600_000);
    expect(changes.map((c) => c.level)).toEqual([1, 2]);
    expect(changes[0]!.at).toBe(CONGESTION_HOLD_MS);
    const lowOnly = new DownlinkFallback();
    expect(feed(lowOnly, 0, 8, 300_000, 600_000, 1).map((c) => c.level)).toEqual([1]);
    expect(feed(new DownlinkFallback(), 0, 10, 300_000, 600_000, 0)).toEqual([]);
  });

  it('ignores a short dip', () => {
    const fallback = new DownlinkFallback();
    expect(feed(fallback, 0, 1, 300_000, 600_000)).toEqual([]);
    expect(feed(fallback, 1_000, 1, 900_000, 600_000)).toEqual([]);
    expect(feed(fallback, 2_000, 1, 300_000, 600_000)).toEqual([]);
    expect(fallback.level).toBe(0);
  });

  it('steps down sooner when the estimate falls at two readings in a row, a link filling up', () => {
    // Measured a second apart on a link throttled to 300 kbps under 400 kbps of video: short of 60% from 191 kbps on.
    const estimates = [378_000, 259_000, 191_000, 161_000, 134_000];
    const changes = feed(new DownlinkFallback(), 0, estimates.length, (second) => estimates[second]!, 400_000);
    expect(changes[0]).toEqual({ at: 3_000, level: 1 });
  });

  it('reads loss with a short estimate as congestion even while the estimate climbs, and a few percent lost with an estimate that covers what is sent as none', () => {
    // Measured: an estimate that started low climbed 94 → 120 kbps under a 400 kbps high layer, throttled to 300 kbps.
    const climbing = new DownlinkFallback();
    const lossy = [0, 0.7, 0.9, 0.9].map((lossFraction, second) => climbing.update({ now: second * 1000, estimateBps: 94_000 + second * 4_000, sendingBps: 400_000, lossFraction }, 1));
    expect(lossy).toEqual([undefined, undefined, 1, undefined]);
    // A fall and loss at one reading: at once.
    const falling = new DownlinkFallback();
    expect([0, 0.7].map((lossFraction, second) => falling.update({ now: second * 1000, estimateBps: 244_000 - second * 57_000, sendingBps: 394_000, lossFraction }, 1))).toEqual([undefined, 1]);
    const covered = new DownlinkFallback();
    for (let second = 0; second < 10; second++) expect(covered.update({ now: second * 1000, estimateBps: 500_000, sendingBps: 400_000, lossFraction: 0.12 }, 1)).toBeUndefined();
  });

  it('tries a step up after the back-off, steps back down as soon as it fails, and waits longer before the next try, never over the cap', () => {
    const fallback = new DownlinkFallback();
    feed(fallback, 0, 4, 300_000, 600_000, 1);
    expect(fallback.level).toBe(1);
    const up = feed(fallback, 4_000, 6, 120_000, 60_000, 1);
    expect(up).toEqual([{ at: CONGESTION_HOLD_MS + INITIAL_BACKOFF_MS, level: 0 }]);
    // Back on the high layer the link fills again: the estimate falls at once and keeps falling.
    const failed = feed(fallback, 10_000, 3, (second) => 110_000 - second * 5_000, 450_000, 1);
    expect(failed).toEqual([{ at: 11_000, level: 1 }]);
    expect(fallback.backoffMs).toBe(Math.min(2 * INITIAL_BACKOFF_MS, MAX_BACKOFF_MS));
    // Each failed try grows the wait up to the cap, and no further.
    let downAt = 11_000;
    for (let attempt = 0; attempt < 3; attempt++) {
      const quiet = feed(fallback, downAt + 1_000, fallback.backoffMs / 1000, 100_000, 60_000, 1);
      expect(quiet).toEqual([{ at: downAt + fallback.backoffMs, level: 0 }]);
      downAt = quiet[0]!.at + 2_000;
      expect(feed(fallback, quiet[0]!.at + 1_000, 2, (second) => 95_000 - second * 5_000, 450_000, 1)).toEqual([{ at: downAt, level: 1 }]);
      expect(fallback.backoffMs).toBe(MAX_BACKOFF_MS);
    }
    // The link got better just after the last failed try: the high layer comes back one capped back-off later, and stays.
    const recovered = feed(fallback, downAt + 1_000, 30, (second) => 100_000 + second * 30_000, 60_000, 1);
    expect(recovered).toEqual([{ at: downAt + MAX_BACKOFF_MS, level: 0 }]);
  });

  it('tries a step up after the back-off even while the estimate, crashed by a failed try, climbs back slowly short of the low layer', () => {
    const fallback = new DownlinkFallback();
    feed(fallback, 0, 4, 300_000, 600_000, 1);
    expect(fallback.level).toBe(1);
    // Measured after a failed try: 98 → 19 kbps, then a kilobit a second, under a 50 kbps low layer.
    const changes = feed(fallback, 4_000, INITIAL_BACKOFF_MS / 1000, (second) => (second === 0 ? 98_000 : 18_000 + second * 1_000), 50_000, 1);
    expect(changes).toEqual([{ at: CONGESTION_HOLD_MS + INITIAL_BACKOFF_MS, level: 0 }]);
  });

  it('recovers at once when the subscriber allows less fallback than it has', () => {
    const fallback = new DownlinkFallback();
    feed(fallback, 0, 10, 300_000, 600_000, 2);
    expect(fallback.level).toBe(2);
    expect(fallback.update({ now: 11_000, estimateBps: 300_000, sendingBps: 600_000 }, 1)).toBe(1);
  });
});
