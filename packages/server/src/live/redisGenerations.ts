/**
 * Generations in Redis, shared by every node. INCR is atomic, so no bump is lost between nodes.
 * The keys do not expire: there is one per project, Customer ID and App ID that changed, and an
 * expired key reading 0 again could match a generation cached before (readers also bound how long
 * they keep an entry, see its users).
 *
 * A counter is read far more often than bumped (every channel GET reads its project's), so reads
 * are tracked (trackedReads.ts): answered from memory until Redis says the counter changed.
 */
import type { Redis } from 'ioredis';
import type { MaybeAsync } from '../maybeAsync.ts';
import type { Generations } from './generations.ts';
import type { TrackedReads } from './trackedReads.ts';

export class RedisGenerations implements Generations {
  #redis: Redis;
  #reads: TrackedReads;
  #prefix: string;

  constructor(redis: Redis, reads: TrackedReads, keyPrefix: string) {
    this.#redis = redis;
    this.#reads = reads;
    this.#prefix = `${keyPrefix}generation:`;
  }

  current(key: string): MaybeAsync<number> {
    const redisKey = `${this.#prefix}${key}`;
    return this.#reads.read(redisKey, async (reader) => Number((await reader.get(redisKey)) ?? 0));
  }

  /** Other nodes read the new value once Redis's invalidation reaches them, this one at once. */
  async bump(key: string): Promise<void> {
    const redisKey = `${this.#prefix}${key}`;
    await this.#redis.incr(redisKey);
    this.#reads.forget(redisKey);
  }
}
