/**
 * Rate counters in Redis, shared by every node. INCR is atomic, so concurrent requests on any
 * number of nodes are counted exactly; the key expires with its window.
 */
import type { Redis } from 'ioredis';
import { windowBounds, type RateCounter, type WindowCount } from './rateCounter.ts';

// INCR then set the expiry on the first hit, in one round trip and one atomic step.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
return count`;

export class RedisRateCounter implements RateCounter {
  #redis: Redis;
  #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
    this.#redis.defineCommand('parleyRateHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
  }

  async hit(key: string, windowMs: number, now: number): Promise<WindowCount> {
    const { index, resetAt } = windowBounds(windowMs, now);
    // A grace second on the expiry covers clock differences between nodes and Redis.
    const count = await (this.#redis as any).parleyRateHit(`${this.#prefix}rate:${key}:${index}`, resetAt + 1000);
    return { count: Number(count), resetAt };
  }

  async peek(key: string, windowMs: number, now: number): Promise<number> {
    const { index } = windowBounds(windowMs, now);
    return Number((await this.#redis.get(`${this.#prefix}rate:${key}:${index}`)) ?? 0);
  }

  async close(): Promise<void> {}
}
