/**
 * Redis reads answered from this node's memory until Redis says the key changed: Redis's
 * server-assisted client-side caching (CLIENT TRACKING). Every channel GET reads two keys that
 * change far less often than they are read (its project's channel generation and the channel's
 * participants); each read was a Redis command, its promise and its reply's parsing.
 *
 * How it stays correct:
 * - Reads go through a connection of their own with tracking on, so Redis remembers which keys
 *   this node read and, when any client changes one, sends its name to the invalidation
 *   connection. Redis sends that while it runs the change, before the writer gets its reply.
 * - This node's own writes do not wait for the message: the writer calls `forget` once its write
 *   is acknowledged, so a read after it on this node goes to Redis.
 * - A read still under way when its key is invalidated or forgotten is not kept, and later reads do
 *   not share it: what it returns may predate the change.
 * - Whenever either connection drops, nothing is kept until both are back and tracking is on again:
 *   Redis forgets a closed connection's tracking and loses the messages meant for a closed one.
 * - Entries also expire, which bounds what a connection that died without closing could serve.
 *
 * ioredis (6) speaks RESP3 by default but drops RESP3's `invalidate` pushes, so the invalidation
 * connection speaks RESP2, where Redis sends them as messages on `__redis__:invalidate`.
 */
import { LRUCache } from 'lru-cache';
import { Redis } from 'ioredis';
import type { MaybeAsync } from '../maybeAsync.ts';
import { CoalescingRedis } from './coalescingRedis.ts';

const INVALIDATION_CHANNEL = '__redis__:invalidate';
const MAX_ENTRIES = 10_000;
const ENTRY_TTL_MS = 10_000;

/** What the node's other connections were opened with, and a name for these two in CLIENT LIST. */
export type ConnectionOptions = { maxRetriesPerRequest?: number; enableOfflineQueue?: boolean; connectionName?: string };

/** A read under way: the one every caller of its key shares until it settles or goes stale. */
interface Loading {
  promise: Promise<unknown>;
  stale: boolean;
}

export class TrackedReads {
  #reader: Redis;
  #invalidations: Redis;
  #entries = new LRUCache<string, { value: unknown }>({ max: MAX_ENTRIES, ttl: ENTRY_TTL_MS });
  #loading = new Map<string, Loading>();
  /** The invalidation connection's client id once it is subscribed (tracking redirects there). */
  #subscriberId: number | undefined;
  /** True while both connections are up and the reader's tracking points at the subscribed one. */
  #tracking = false;
  /** Counts the times tracking stopped: a set-up or read begun before the last stop keeps nothing. */
  #stops = 0;
  /** Counts the times the invalidation connection dropped: a client id read before the last is gone. */
  #subscriptionsLost = 0;
  #closed = false;

  private constructor(reader: Redis, invalidations: Redis) {
    this.#reader = reader;
    this.#invalidations = invalidations;
  }

  /** Opens the reader and the invalidation connection to the Redis at `url`. */
  static async open(url: string, options: ConnectionOptions): Promise<TrackedReads> {
    const reads = new TrackedReads(
      // Reads leave in one write a turn, as the node's other commands do.
      new CoalescingRedis(url, { ...options, ...named(options, 'tracked-reads'), lazyConnect: true }),
      // Subscribed again by hand after a reconnect: its client id must be read first.
      new Redis(url, { ...options, ...named(options, 'invalidations'), lazyConnect: true, protocol: 2, autoResubscribe: false }),
    );
    reads.#invalidations.on('messageBuffer', (_channel: Buffer, keys: unknown) => reads.#invalidated(keys));
    for (const connection of [reads.#reader, reads.#invalidations]) {
      connection.on('close', () => reads.#stop(connection === reads.#invalidations));
      // A failed read rejects its callers; reconnecting is ioredis's, and set-up runs again after it.
      connection.on('error', () => {});
    }
    await Promise.all([reads.#reader.connect(), reads.#invalidations.connect()]);
    await reads.#subscribe();
    reads.#invalidations.on('ready', () => void reads.#subscribe().catch(() => reads.#stop(true)));
    reads.#reader.on('ready', () => void reads.#track().catch(() => reads.#stop(false)));
    return reads;
  }

  /** True while reads are being kept (both connections up, tracking on). */
  get tracking(): boolean {
    return this.#tracking;
  }

  /**
   * The key's value: at once when kept, else `load`ed through the tracked connection (which must
   * read `key` and nothing else that can change apart from it) and kept while tracking holds.
   * The value is shared by every caller: treat it as read-only.
   */
  read<T>(key: string, load: (reader: Redis) => Promise<T>): MaybeAsync<T> {
    const kept = this.#entries.get(key);
    if (kept) return kept.value as T;
    const under = this.#loading.get(key);
    if (under) return under.promise as Promise<T>;
    const loading: Loading = { promise: Promise.resolve(), stale: !this.#tracking };
    const stops = this.#stops;
    const settle = (): void => void (this.#loading.get(key) === loading && this.#loading.delete(key));
    const promise = load(this.#reader).then(
      (value) => {
        settle();
        if (!loading.stale && stops === this.#stops) this.#entries.set(key, { value });
        return value;
      },
      (error: unknown) => {
        settle();
        throw error;
      },
    );
    loading.promise = promise;
    this.#loading.set(key, loading);
    return promise;
  }

  /** After this node changed `key` (its write acknowledged): the next read here goes to Redis. */
  forget(key: string): void {
    this.#entries.delete(key);
    this.#abandon(key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stop(true);
    await Promise.allSettled([this.#reader.quit(), this.#invalidations.quit()]);
  }

  async #subscribe(): Promise<void> {
    // Only this connection's own drop voids the id: the reader's drop meanwhile is #track's concern.
    const lost = this.#subscriptionsLost;
    const id = Number(await this.#invalidations.call('CLIENT', 'ID'));
    await this.#invalidations.subscribe(INVALIDATION_CHANNEL);
    if (lost !== this.#subscriptionsLost) return;
    this.#subscriberId = id;
    await this.#track();
  }

  /** Turns tracking on (again) once both connections are up; Redis replaces an earlier redirect. */
  async #track(): Promise<void> {
    const id = this.#subscriberId;
    if (id === undefined || this.#reader.status !== 'ready' || this.#closed) return;
    const stops = this.#stops;
    await this.#reader.call('CLIENT', 'TRACKING', 'ON', 'REDIRECT', String(id));
    if (stops === this.#stops) this.#tracking = true;
  }

  #stop(subscriptionLost: boolean): void {
    this.#stops += 1;
    this.#tracking = false;
    if (subscriptionLost) {
      this.#subscriptionsLost += 1;
      this.#subscriberId = undefined;
    }
    this.#forgetAll();
  }

  /**
   * Redis names the keys that changed, or sends null when it dropped every key it tracked for us (a
   * flush, or its tracking table full). Anything else (a PUBLISH on the channel) forgets everything.
   */
  #invalidated(keys: unknown): void {
    if (Array.isArray(keys)) {
      for (const key of keys) this.forget(String(key));
      return;
    }
    this.#forgetAll();
  }

  #forgetAll(): void {
    this.#entries.clear();
    for (const key of [...this.#loading.keys()]) this.#abandon(key);
  }

  #abandon(key: string): void {
    const loading = this.#loading.get(key);
    if (!loading) return;
    loading.stale = true;
    this.#loading.delete(key);
  }
}

/** Redis refuses a name with spaces or characters outside printable ASCII (ioredis then goes on unnamed). */
function named(options: ConnectionOptions, role: string): { connectionName?: string } {
  return options.connectionName ? { connectionName: `${options.connectionName}:${role}`.replace(/[^!-~]/g, '_') } : {};
}
