/**
 * Channel sites in Redis: a hash per channel, node id → participants it holds. A crashed node's
 * entry stays until the hash expires, but is skipped as soon as its registry record lapses.
 */
import type { Redis } from 'ioredis';
import type { ChannelSites } from './channelSites.ts';

/** A channel nobody touched this long is forgotten (every change refreshes it). */
const SITES_TTL_MS = 24 * 3600_000;

export class RedisChannelSites implements ChannelSites {
  #redis: Redis;
  #prefix: string;
  #recordKeyPrefix: string;

  /** `recordKeyPrefix` + node id is the key of a live node's registry record. */
  constructor(redis: Redis, keyPrefix: string, recordKeyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}cluster:sites:`;
    this.#recordKeyPrefix = recordKeyPrefix;
  }

  #key(appId: string, channel: string): string {
    return `${this.#prefix}${appId}:${channel}`;
  }

  async set(appId: string, channel: string, nodeId: string, count: number): Promise<void> {
    const key = this.#key(appId, channel);
    if (count > 0) await this.#redis.multi().hset(key, nodeId, count).pexpire(key, SITES_TTL_MS).exec();
    else await this.#redis.hdel(key, nodeId);
  }

  async list(appId: string, channel: string): Promise<Map<string, number>> {
    const entries = Object.entries(await this.#redis.hgetall(this.#key(appId, channel)));
    if (entries.length === 0) return new Map();
    const alive = await Promise.all(entries.map(([nodeId]) => this.#redis.exists(this.#recordKeyPrefix + nodeId)));
    return new Map(entries.filter((_, i) => alive[i] === 1).map(([nodeId, count]) => [nodeId, Number(count)]));
  }
}
