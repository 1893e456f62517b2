/**
 * Rate counters in this process's memory: exact because Node runs request hooks on one thread.
 */
import { windowBounds, type RateCounter, type WindowCount } from './rateCounter.ts';

interface Entry {
  windowMs: number;
  index: number;
  count: number;
}

export class MemoryRateCounter implements RateCounter {
  #entries = new Map<string, Entry>();
  /** The last window swept, per window size: counters of different sizes have unrelated indexes. */
  #lastSweep = new Map<number, number>();

  hit(key: string, windowMs: number, now: number): WindowCount {
    const { index, resetAt } = windowBounds(windowMs, now);
    this.#sweep(windowMs, index);
    const entry = this.#entries.get(key);
    if (entry && entry.index === index) {
      entry.count += 1;
      return { count: entry.count, resetAt };
    }
    this.#entries.set(key, { windowMs, index, count: 1 });
    return { count: 1, resetAt };
  }

  peek(key: string, windowMs: number, now: number): number {
    const entry = this.#entries.get(key);
    return entry && entry.index === windowBounds(windowMs, now).index ? entry.count : 0;
  }

  /**
   * Drops counters of past windows once per window, so idle accounts do not accumulate. Only
   * counters of the same window size are compared: a one-second window's index is far above a
   * minute's, and sweeping across sizes would reset every longer budget on each short one.
   */
  #sweep(windowMs: number, index: number): void {
    if (this.#lastSweep.get(windowMs) === index) return;
    this.#lastSweep.set(windowMs, index);
    for (const [key, entry] of this.#entries) if (entry.windowMs === windowMs && entry.index < index) this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
