/**
 * Fixed-window request counters behind the API's rate limits.
 *
 * One interface, two homes: in-process memory for a single node, Redis when several nodes share
 * the limits. Both count atomically, so N concurrent requests against a limit L admit exactly
 * min(N, L).
 */
import type { MaybeAsync } from '../maybeAsync.ts';

export interface WindowCount {
  /** Requests counted in the current window, this one included. */
  count: number;
  /** Unix milliseconds when the window ends and the count starts again. */
  resetAt: number;
}

/** Counts are answered at once from memory and later from Redis (see maybeAsync.ts: every request counts). */
export interface RateCounter {
  /** Counts one request for `key` in the window of `windowMs` that contains `now`. */
  hit(key: string, windowMs: number, now: number): MaybeAsync<WindowCount>;
  /** The count of `key` in the window that contains `now`, without counting anything (budgets checked before work). */
  peek(key: string, windowMs: number, now: number): MaybeAsync<number>;
  close(): Promise<void>;
}

export function windowBounds(windowMs: number, now: number): { index: number; resetAt: number } {
  const index = Math.floor(now / windowMs);
  return { index, resetAt: (index + 1) * windowMs };
}
