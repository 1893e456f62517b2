/**
 * Retries a recording's write while the store is unavailable (a full disk, a lost database), the
 * way the sessions journal retries a leave: the end of a recording (its last status and `exited`
 * notice, one transaction) must land, or a receiver waits forever for a task that is over. Only a
 * shutdown stops the retries, and that is logged as an error: the write and its notices are not
 * lost for good, the node's next start finishes the recording again (recovery.ts), but until then
 * nobody is told.
 */
import { isStoreUnavailable } from '../store/unavailable.ts';
import type { Logger } from '../log/logger.ts';

export interface UntilStoredOptions {
  log: Logger;
  /** True once the node is shutting down: the retries stop. */
  closing(): boolean;
  /** Named in logs. */
  describe: object;
  /** First retry delay; it doubles per failure up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** Runs `write` until it lands; false when shutdown came first. Other failures are thrown at once. */
export async function untilStored(write: () => Promise<void>, options: UntilStoredOptions): Promise<boolean> {
  const { log, describe, retryBaseMs = 100, retryMaxMs = 5_000 } = options;
  let failingSince: number | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await write();
      if (failingSince !== undefined) log.warn({ ...describe, attempts: attempt + 1, failedForMs: Date.now() - failingSince }, 'recording write landed after failing');
      return true;
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      if (failingSince === undefined) {
        failingSince = Date.now();
        log.warn({ err: error, ...describe }, 'recording write failed: the store is unavailable; retrying until it lands');
      }
      if (options.closing()) {
        log.error({ err: error, ...describe }, 'shutting down with a recording write the store did not take; its notices wait for the next start');
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 20))));
    }
  }
}
