/**
 * When to try resuming a lost session again, as a policy the session engine asks after every
 * failed attempt. It is a seam of its own so the cadence (and when to stop early) can change, or be
 * faked in tests, without touching the engine's state machine. The engine keeps the one limit no
 * policy can lift: the server forgets a lost session after RESUME_WINDOW_MS.
 */
import { isServerError } from '../errors.ts';

/** What the engine knows when an attempt to resume has failed. */
export interface ReconnectContext {
  /** Failed attempts so far, this one included (1 after the first failure). */
  readonly retryCount: number;
  /** Milliseconds since the socket was lost. */
  readonly elapsedMs: number;
  /** How long the failed attempt took, from opening the socket to its failure. */
  readonly lastAttemptMs: number;
  /** Why it failed: a ParleyRTCError (refused by the server, timed out, socket closed) or anything thrown. */
  readonly error: unknown;
}

export interface ReconnectPolicy {
  /** Milliseconds to wait before the next attempt, or null to give up (the client ends DISCONNECTED). */
  nextRetryDelayMs(context: ReconnectContext): number | null;
}

/** One attempt a second: often enough to come back quickly, rare enough not to hammer a server that is down. */
export const RESUME_RETRY_INTERVAL_MS = 1_000;

/**
 * The default: a new socket every `intervalMs`, counted from the start of the failed attempt (an
 * attempt that took longer is followed at once). Stops when the server answered and refused (the
 * session is gone or the token expired): retrying cannot change its answer.
 */
export class SteadyRetryPolicy implements ReconnectPolicy {
  readonly #intervalMs: number;

  constructor(intervalMs = RESUME_RETRY_INTERVAL_MS) {
    this.#intervalMs = intervalMs;
  }

  nextRetryDelayMs(context: ReconnectContext): number | null {
    if (isServerError(context.error)) return null;
    return Math.max(0, this.#intervalMs - context.lastAttemptMs);
  }
}
