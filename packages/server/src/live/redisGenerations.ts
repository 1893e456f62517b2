/**
 * Generations in Redis, shared by every node. INCR is atomic, so no bump is lost between nodes.
 * The keys do not expire: there is one per project, and an expired key reading 0 again could
 * match a generation cached before (readers also bound how long they keep an entry, see its users).
 */
import type { Redis } from 'ioredis';
import type { Generations } from './generations.ts';

export class RedisGenerations implements Generations {
  #redis: Redis;
  #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}generation:`;
  }

  async current(key: string): Promise<number> {
    return Number((await this.#redis.get(`${this.#prefix}${key}`)) ?? 0);
  }

  async bump(key: string): Promise<void> {
    await this.#redis.incr(`${this.#prefix}${key}`);
  }
}
