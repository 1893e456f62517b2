/**
 * Live state: what changes by the second and must be shared between nodes in scale-out mode
 * (rate counters now; participants and channel ownership with calls). Memory by default, Redis
 * when `PARLEY_REDIS_URL` is set.
 */
import { Redis } from 'ioredis';
import { MemoryRateCounter } from './memoryRateCounter.ts';
import type { RateCounter } from './rateCounter.ts';
import { RedisRateCounter } from './redisRateCounter.ts';

export type { RateCounter, WindowCount } from './rateCounter.ts';

export interface LiveState {
  kind: 'memory' | 'redis';
  rateCounter: RateCounter;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface LiveOptions {
  redisUrl?: string | undefined;
  keyPrefix: string;
}

export async function openLiveState(options: LiveOptions): Promise<LiveState> {
  if (!options.redisUrl) {
    const rateCounter = new MemoryRateCounter();
    return { kind: 'memory', rateCounter, ping: async () => {}, close: () => rateCounter.close() };
  }
  // Fail fast at start when Redis is unreachable, rather than on the first request.
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  await redis.connect();
  const rateCounter = new RedisRateCounter(redis, options.keyPrefix);
  return {
    kind: 'redis',
    rateCounter,
    ping: async () => void (await redis.ping()),
    close: async () => {
      await rateCounter.close();
      await redis.quit();
    },
  };
}
