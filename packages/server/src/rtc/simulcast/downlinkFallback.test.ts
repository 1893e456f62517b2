import { describe, expect, it } from 'vitest';
import { CONGESTION_HOLD_MS, DownlinkFallback, INITIAL_BACKOFF_MS } from './downlinkFallback.ts';

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
    expect(feed(lowOnly, 0, 10, 300_000, 600_000, 1).map((c) => c.level)).toEqual([1]);
    expect(feed(new DownlinkFallback(), 0, 10, 300_000, 600_000, 0)).toEqual([]);
  });

  it('ignores a short dip', () => {
    const fallback = new DownlinkFallback();
    expect(feed(fallback, 0, 1, 300_000, 600_000)).toEqual([]);
    expect(feed(fallback, 1_000, 1, 900_000, 600_000)).toEqual([]);
    expect(feed(fallback, 2_000, 1, 300_000, 600_000)).toEqual([]);
    expect(fallback.level).toBe(0);
  });

  it('tries a step up after the back-off, and doubles the back-off when the link congests again at once', () => {
    const fallback = new DownlinkFallback();
    feed(fallback, 0, 4, 300_000, 600_000, 1);
    expect(fallback.level).toBe(1);
    const up = feed(fallback, 4_000, 12, 120_000, 60_000, 1);
    expect(up).toEqual([{ at: CONGESTION_HOLD_MS + INITIAL_BACKOFF_MS, level: 0 }]);
    // Back on the high layer the estimate is short again at once: down, with twice the wait before the next try.
    const again = feed(fallback, 14_000, 4, 300_000, 600_000, 1);
    expect(again.map((c) => c.level)).toEqual([1]);
    expect(fallback.backoffMs).toBe(2 * INITIAL_BACKOFF_MS);
  });

  it('recovers at once when the subscriber allows less fallback than it has', () => {
    const fallback = new DownlinkFallback();
    feed(fallback, 0, 10, 300_000, 600_000, 2);
    expect(fallback.level).toBe(2);
    expect(fallback.update({ now: 11_000, estimateBps: 300_000, sendingBps: 600_000 }, 1)).toBe(1);
  });
});
