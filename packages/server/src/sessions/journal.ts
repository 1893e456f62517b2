/**
 * Writes a channel's journal entries (joins, leaves, channel events) one after another, in the
 * order they happened, and keeps each one until it lands: a write that fails is retried with
 * backoff, so a full disk or a lost database delays a leave instead of losing it (and a leave
 * never lands before its join, since its channel's writes wait behind the failing one).
 *
 * Memory is bounded: past `maxPending` entries, joins and channel events are no longer queued (a
 * join's leave records the session and its join notice from the leave alone), and past twice
 * that, leaves neither (logged as errors; the node's next start closes their sessions). A write
 * that fails for another reason than an unavailable store is a bug: it is retried a few times,
 * then dropped, its promise rejected with the error (the event bus logs it).
 */
import { isStoreUnavailable } from '../store/unavailable.ts';
import type { Logger } from '../log/logger.ts';

export interface JournalOptions {
  /** Entries held before joins and channel events are no longer queued. */
  maxPending: number;
  /** First retry delay; it doubles per failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export const DEFAULT_JOURNAL_OPTIONS: JournalOptions = { maxPending: 50_000, retryBaseMs: 100, retryMaxMs: 5_000 };

/** Failures of another kind (bugs) tried this many times before the entry is dropped. */
const MAX_ATTEMPTS_FOR_BUGS = 3;

export interface JournalEntry {
  /** A leave must never be dropped for room; joins and channel events may (see the header). */
  kind: 'join' | 'leave' | 'channel';
  write(): Promise<void>;
  /** Named in logs. */
  describe: object;
}

interface Queued extends JournalEntry {
  done(): void;
  fail(error: unknown): void;
}

interface ChannelQueue {
  entries: Queued[];
  running: boolean;
  attempts: number;
  /** When the head entry first failed; undefined while writes land. */
  failingSince: number | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class WriteJournal {
  #queues = new Map<string, ChannelQueue>();
  #pending = 0;
  #options: JournalOptions;
  #log: Logger;
  #closed = false;

  constructor(log: Logger, options: Partial<JournalOptions> = {}) {
    this.#log = log;
    this.#options = { ...DEFAULT_JOURNAL_OPTIONS, ...options };
  }

  /**
   * Queues an entry behind its channel's; resolves once it is written (or not queued for room, or
   * given up at close), rejects when it is dropped as a bug.
   */
  add(key: string, entry: JournalEntry): Promise<void> {
    const limit = entry.kind === 'leave' ? this.#options.maxPending * 2 : this.#options.maxPending;
    if (this.#closed || this.#pending >= limit) {
      const log = entry.kind === 'leave' ? this.#log.error.bind(this.#log) : this.#log.warn.bind(this.#log);
      log({ ...entry.describe, pending: this.#pending }, this.#closed ? 'journal closed; entry not written' : 'journal full while the store fails; entry not written');
      return Promise.resolve();
    }
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = { entries: [], running: false, attempts: 0, failingSince: undefined, timer: undefined };
      this.#queues.set(key, queue);
    }
    this.#pending += 1;
    const written = new Promise<void>((resolve, reject) => queue.entries.push({ ...entry, done: resolve, fail: reject }));
    if (!queue.running && !queue.timer) void this.#run(key, queue);
    return written;
  }

  /** Entries not yet written. */
  get pending(): number {
    return this.#pending;
  }

  /** Since when the oldest still-failing write has failed; undefined when writes land. */
  failingSince(): number | undefined {
    let oldest: number | undefined;
    for (const queue of this.#queues.values()) {
      if (queue.failingSince !== undefined && (oldest === undefined || queue.failingSince < oldest)) oldest = queue.failingSince;
    }
    return oldest;
  }

  /** The store took a write again: channels waiting out a backoff retry now. */
  retryNow(): void {
    for (const [key, queue] of this.#queues) {
      if (!queue.timer) continue;
      clearTimeout(queue.timer);
      queue.timer = undefined;
      void this.#run(key, queue);
    }
  }

  /**
   * Shutdown: waits up to `graceMs` for pending writes (retrying at once), then gives up on the
   * rest so shutdown can finish; sessions they would have closed are closed at the next start.
   */
  async close(graceMs: number): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (this.#pending > 0 && Date.now() < deadline) {
      this.retryNow();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      clearTimeout(queue.timer);
      queue.timer = undefined;
      if (queue.entries.length > 0) this.#log.error({ unwritten: queue.entries.length, ...queue.entries[0]!.describe }, 'shutting down with journal entries the store did not take');
      for (const entry of queue.entries.splice(0)) entry.done();
    }
    this.#pending = 0;
    this.#queues.clear();
  }

  async #run(key: string, queue: ChannelQueue): Promise<void> {
    queue.running = true;
    while (queue.entries.length > 0 && !this.#closed) {
      const head = queue.entries[0]!;
      const failure = await head.write().then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
      if (this.#closed) return;
      if (failure) {
        queue.attempts += 1;
        if (isStoreUnavailable(failure.error) || queue.attempts < MAX_ATTEMPTS_FOR_BUGS) {
          this.#retryLater(key, queue, head, failure.error);
          return;
        }
      } else if (queue.failingSince !== undefined) {
        this.#log.warn({ ...head.describe, attempts: queue.attempts + 1, failedForMs: Date.now() - queue.failingSince }, 'journal write landed after failing');
      }
      queue.entries.shift();
      this.#pending -= 1;
      queue.attempts = 0;
      queue.failingSince = undefined;
      if (failure) head.fail(failure.error);
      else head.done();
      // The store takes writes again: other channels need not wait out their backoff.
      if (!failure) this.retryNow();
    }
    queue.running = false;
    if (queue.entries.length === 0 && this.#queues.get(key) === queue) this.#queues.delete(key);
  }

  #retryLater(key: string, queue: ChannelQueue, head: Queued, error: unknown): void {
    if (queue.failingSince === undefined) {
      queue.failingSince = Date.now();
      this.#log.warn({ err: error, ...head.describe, pending: this.#pending }, 'journal write failed; retrying until it lands');
    }
    const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** Math.min(queue.attempts - 1, 20));
    queue.running = false;
    queue.timer = setTimeout(() => {
      queue.timer = undefined;
      void this.#run(key, queue);
    }, delay);
    // A pending retry must not keep a stopping process alive; close() gives up on it.
    queue.timer.unref();
  }
}
