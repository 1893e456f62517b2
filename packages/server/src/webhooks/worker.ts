/**
 * The delivery worker: claims due deliveries from the outbox, POSTs them, and writes the outcome.
 *
 * - At least once: a delivery stays pending until an endpoint answers 2xx or the retry horizon
 *   passes; a claim is a lease, so a node that dies mid-send leaves it to be retried.
 * - Retries back off exponentially (base, 2×base, 4×base… up to an hour), each delay jittered
 *   to 50-100 % so a recovering receiver is not hit by every sender at once.
 * - In order: the store only hands out the oldest pending notice of each (endpoint, channel).
 * - An endpoint that has failed `disableAfterFailures` attempts in a row, over at least the retry
 *   horizon, is turned off (visible in the API) until someone turns it on again.
 */
import { isStoreUnavailable } from '../store/unavailable.ts';
import type { Db } from '../store/database.ts';
import { resolveDeliveryTarget, type TargetPolicy } from '../net/addressPolicy.ts';
import { signatureHeaders } from './notices.ts';
import { createAgents, postNotice, type SendResult } from './sender.ts';
import * as store from './store.ts';
import type { Logger } from '../log/logger.ts';

export interface DeliveryWorkerOptions {
  db: Db;
  /** PostgreSQL: several nodes share the outbox. */
  lockRows: boolean;
  nodeId: string;
  policy: TargetPolicy;
  openSecret: (sealed: string) => string;
  log: Logger;
  /** How long a notice is retried before it is given up (and the failing time that turns an endpoint off). */
  retryHorizonMs: number;
  /** The first retry's delay; each next one doubles, up to maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs?: number;
  disableAfterFailures?: number;
  timeoutMs?: number;
  concurrency?: number;
  pollMs?: number;
  leaseMs?: number;
  retentionMs?: number;
  clock?: () => number;
  random?: () => number;
}

const HOUR_MS = 3_600_000;
const IDLE_PAUSE_MS = 20;
const PRUNE_EVERY_MS = HOUR_MS;
const RECORD_RETRY_BASE_MS = 50;
const RECORD_RETRY_MAX_MS = 2_000;

export class DeliveryWorker {
  #options: Required<DeliveryWorkerOptions>;
  #running = false;
  #loop: Promise<void> | undefined;
  #inflight = new Set<Promise<void>>();
  #abort = new AbortController();
  #agents = createAgents();
  #wakeUp: (() => void) | undefined;
  #woken = false;
  #lastPrune = 0;

  constructor(options: DeliveryWorkerOptions) {
    this.#options = {
      maxRetryDelayMs: HOUR_MS,
      disableAfterFailures: 10,
      timeoutMs: 10_000,
      concurrency: 8,
      pollMs: 1_000,
      leaseMs: 60_000,
      retentionMs: 30 * 24 * HOUR_MS,
      clock: Date.now,
      random: Math.random,
      ...options,
    };
  }

  /** Starts sending: first frees the claims this node held when it last stopped. */
  async start(): Promise<void> {
    if (this.#running) return;
    await store.releaseClaimsOfNode(this.#options.db, this.#options.nodeId);
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Something may be due now (a new notice, an endpoint turned on): look at once. */
  wake(): void {
    this.#woken = true;
    this.#wakeUp?.();
  }

  /**
   * Stops claiming, abandons sends in flight (their claims are released, so the notices are sent
   * again later: at least once), and waits for that bookkeeping.
   */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#abort.abort();
    this.wake();
    await this.#loop;
    await Promise.allSettled([...this.#inflight]);
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }

  /** Claims what is due (up to the free capacity) and sends it; resolves when those sends are done. */
  async runOnce(): Promise<number> {
    const started = await this.#fill();
    await Promise.allSettled([...this.#inflight]);
    return started;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let pause: number;
      try {
        const claimed = await this.#fill();
        await this.#prune();
        pause = await this.#pause(claimed);
      } catch (error) {
        this.#options.log.error({ err: error }, 'webhook worker cycle failed');
        pause = this.#options.pollMs;
      }
      await this.#sleep(pause);
    }
  }

  async #fill(): Promise<number> {
    const capacity = this.#options.concurrency - this.#inflight.size;
    if (capacity <= 0 || this.#abort.signal.aborted) return 0;
    const now = this.#options.clock();
    const claims = await store.claimDue(this.#options.db, {
      now,
      limit: capacity,
      leaseUntil: now + this.#options.leaseMs,
      nodeId: this.#options.nodeId,
      lockRows: this.#options.lockRows,
    });
    for (const claim of claims) {
      const sending = this.#deliver(claim)
        .catch((error) => this.#options.log.error({ err: error, deliveryId: claim.id }, 'webhook delivery bookkeeping failed'))
        .finally(() => {
          this.#inflight.delete(sending);
          this.wake();
        });
      this.#inflight.add(sending);
    }
    return claims.length;
  }

  /** How long to sleep: until the next delivery falls due, at most pollMs (other nodes enqueue too). */
  async #pause(claimed: number): Promise<number> {
    if (this.#inflight.size >= this.#options.concurrency) return this.#options.pollMs;
    const due = await store.nextDueAt(this.#options.db);
    if (due === undefined) return this.#options.pollMs;
    const wait = due - this.#options.clock();
    // Due now but nothing claimed: another node holds it (or is committing its claim); look again shortly.
    if (wait <= 0) return claimed > 0 ? 0 : IDLE_PAUSE_MS;
    return Math.min(wait, this.#options.pollMs);
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken || ms <= 0 || !this.#running) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wakeUp = done;
    });
  }

  async #prune(): Promise<void> {
    const now = this.#options.clock();
    if (now - this.#lastPrune < PRUNE_EVERY_MS) return;
    this.#lastPrune = now;
    await store.pruneFinished(this.#options.db, now - this.#options.retentionMs);
  }

  #retryDelay(failedAttempts: number): number {
    const { retryBaseMs, maxRetryDelayMs, random } = this.#options;
    const exponential = Math.min(maxRetryDelayMs, retryBaseMs * 2 ** Math.min(failedAttempts - 1, 40));
    return Math.round(exponential * (0.5 + random() / 2));
  }

  async #send(claim: store.ClaimedDelivery): Promise<SendResult> {
    const started = performance.now();
    try {
      // Checked again at every attempt: DNS may have changed since the webhook was registered.
      const target = await resolveDeliveryTarget(claim.url, this.#options.policy);
      const headers = signatureHeaders(this.#options.openSecret(claim.secret), claim.body);
      return await postNotice(target, claim.body, headers, { timeoutMs: this.#options.timeoutMs, signal: this.#abort.signal, agents: this.#agents });
    } catch (error) {
      return { ok: false, status: null, latencyMs: Math.round(performance.now() - started), error: (error as Error).message, responseBody: null };
    }
  }

  async #deliver(claim: store.ClaimedDelivery): Promise<void> {
    const result = await this.#send(claim);
    if (this.#abort.signal.aborted && !result.ok) {
      await store.releaseClaim(this.#options.db, claim);
      return;
    }
    const { clock, retryHorizonMs, disableAfterFailures, db, log } = this.#options;
    const at = clock();
    const giveUpAt = claim.createdAt + retryHorizonMs;
    const failedAttempts = claim.attempts + 1;
    const state = result.ok ? 'delivered' : at >= giveUpAt ? 'failed' : 'pending';
    const nextAttemptAt = state === 'pending' ? Math.min(at + this.#retryDelay(failedAttempts), giveUpAt) : at;
    const written = await this.#recordAttempt(claim, { at, status: result.status, latencyMs: result.latencyMs, error: result.error, responseBody: result.responseBody, state, nextAttemptAt });
    if (written) {
      // One line per attempt, as an operator follows deliveries; the URL's query may hold a token, so only its origin.
      const target = new URL(claim.url).origin;
      const outcome = result.ok ? `delivered (${result.status})` : `failed (${result.status ?? result.error}); ${state === 'pending' ? 'will retry' : 'given up'}`;
      log.info({ deliveryId: claim.id, endpointId: claim.endpointId, attempt: failedAttempts, latencyMs: result.latencyMs }, `webhook ${claim.id} to ${target} ${outcome} in ${result.latencyMs} ms`);
    }
    if (!written || result.ok) return;
    if (state === 'failed') log.warn({ deliveryId: claim.id, endpointId: claim.endpointId, attempts: failedAttempts, error: result.error }, 'webhook delivery given up');
    if (await store.disableIfFailing(db, claim.endpointId, at, disableAfterFailures, retryHorizonMs)) {
      log.warn({ endpointId: claim.endpointId }, 'webhook endpoint turned off: it has been failing for the whole retry horizon');
    }
  }

  /**
   * An attempt's outcome must land: unrecorded, the notice is sent again when its lease ends, and
   * its channel's later notices wait until then. While the store cannot write (a full disk) it is
   * retried, with backoff, for as long as the lease holds.
   */
  async #recordAttempt(claim: store.ClaimedDelivery, outcome: store.AttemptOutcome): Promise<boolean> {
    for (let delay = RECORD_RETRY_BASE_MS; ; delay = Math.min(delay * 2, RECORD_RETRY_MAX_MS)) {
      try {
        return await store.recordAttempt(this.#options.db, claim, outcome);
      } catch (error) {
        if (!isStoreUnavailable(error) || this.#abort.signal.aborted || this.#options.clock() + delay >= claim.leaseUntil) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}
