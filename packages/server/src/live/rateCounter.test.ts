/**
 * Both rate counters count exactly under concurrency, reset with the window and keep keys apart.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { MemoryRateCounter } from './memoryRateCounter.ts';
import type { RateCounter } from './rateCounter.ts';
import { RedisRateCounter } from './redisRateCounter.ts';

const redisClients: Redis[] = [];
afterAll(async () => {
  await Promise.all(redisClients.map((client) => client.quit()));
});

const COUNTERS: Record<string, () => RateCounter> = {
  memory: () => new MemoryRateCounter(),
  redis: () => {
    const client = new Redis(REDIS_URL);
    redisClients.push(client);
    return new RedisRateCounter(client, `${uniqueName('rc')}:`);
  },
};

describe.each(Object.keys(COUNTERS))('%s rate counter', (kind) => {
  const WINDOW = 60_000;
  const now = 1_800_000_000_000 + 5_000;

  it('gives 500 concurrent hits the counts 1..500, each exactly once', async () => {
    const counter = COUNTERS[kind]!();
    const counts = await Promise.all(Array.from({ length: 500 }, () => counter.hit('k', WINDOW, now)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('keeps a long window\'s count while shorter windows of other keys come and go', async () => {
    const counter = COUNTERS[kind]!();
    await counter.hit('minute', WINDOW, now);
    await counter.hit('minute', WINDOW, now);
    // Regression: one-second windows (Agora's per-API budgets) swept every minute counter.
    for (let second = 0; second < 3; second++) await counter.hit('second', 1_000, now + second * 1_000);
    expect(await counter.peek('minute', WINDOW, now + 3_000)).toBe(2);
    expect((await counter.hit('minute', WINDOW, now + 3_000)).count).toBe(3);
  });

  it('starts again in the next window and reports when the window ends', async () => {
    const counter = COUNTERS[kind]!();
    await counter.hit('w', WINDOW, now);
    const second = await counter.hit('w', WINDOW, now + 1);
    expect(second).toEqual({ count: 2, resetAt: 1_800_000_060_000 });
    const next = await counter.hit('w', WINDOW, second.resetAt);
    expect(next).toEqual({ count: 1, resetAt: second.resetAt + WINDOW });
  });

  it('peeks at a count without adding to it, and sees 0 in a new window or for an unknown key', async () => {
    const counter = COUNTERS[kind]!();
    expect(await counter.peek('p', WINDOW, now)).toBe(0);
    await counter.hit('p', WINDOW, now);
    await counter.hit('p', WINDOW, now);
    expect(await counter.peek('p', WINDOW, now)).toBe(2);
    expect(await counter.peek('p', WINDOW, now)).toBe(2);
    expect(await counter.peek('p', WINDOW, now + WINDOW)).toBe(0);
  });

  it('keeps keys apart', async () => {
    const counter = COUNTERS[kind]!();
    await counter.hit('a', WINDOW, now);
    await counter.hit('a', WINDOW, now);
    expect((await counter.hit('b', WINDOW, now)).count).toBe(1);
  });
});
