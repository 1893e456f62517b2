/**
 * Rate counters in this process's memory: exact because Node runs request hooks on one thread.
 */
import { windowBounds, type RateCounter, type WindowCount } from './rateCounter.ts';

interface Entry {
  index: number;
  count: number;
}

export class MemoryRateCounter implements RateCounter {
  #entries = new Map<string, Entry>();
  #lastSweepIndex = -1;

  async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    const { index, resetAt } = windowBounds(windowMs, now);
    this.#sweep(index);
    const entry = this.#entries.get(key);
    if (entry && entry.index === index) {
      entry.count += 1;
      return { count: entry.count, resetAt };
    }
    this.#entries.set(key, { index, count: 1 });
    return { count: 1, resetAt };
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    const entry = this.#entries.get(key);
    return entry && entry.index === windowBounds(windowMs, now).index ? entry.count : 0;
  }

  /** Drops counters of past windows once per window, so idle accounts do not accumulate. */
  #sweep(index: number): void {
    if (index === this.#lastSweepIndex) return;
    this.#lastSweepIndex = index;
    for (const [key, entry] of this.#entries) if (entry.index < index) this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
