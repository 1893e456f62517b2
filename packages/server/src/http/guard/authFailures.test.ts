import { describe, expect, it } from 'vitest';
import { MemoryRateCounter } from '../../live/memoryRateCounter.ts';
import { AuthFailureBudget } from './authFailures.ts';

/** A memory counter that counts the peeks: each one is a round trip when live state is Redis. */
class PeekCountingCounter extends MemoryRateCounter {
  peeks = 0;

  override peek(key: string, windowMs: number, now: number): number {
    this.peeks += 1;
    return super.peek(key, windowMs, now);
  }
}

const limits = { perIp: 3, perCustomerId: 100 };
const attempt = { ip: '198.51.100.7', customerId: 'c'.repeat(32) };
const T0 = 1_000_000_000_000;

describe('the address budget of failed authentications', () => {
  it('asks live state about an address within its budget once a second, not on every request', async () => {
    const counter = new PeekCountingCounter();
    const budget = new AuthFailureBudget(counter, limits);
    for (let i = 0; i < 50; i++) expect(await budget.checkAddress(attempt, T0 + i * 10)).toBeUndefined();
    expect(counter.peeks).toBe(1);
    await budget.checkAddress(attempt, T0 + 1_000);
    expect(counter.peeks).toBe(2);
  });

  it('refuses at once an address whose failures this node counted past the budget', async () => {
    const counter = new PeekCountingCounter();
    const budget = new AuthFailureBudget(counter, limits);
    expect(await budget.checkAddress(attempt, T0)).toBeUndefined();
    for (let i = 0; i < limits.perIp; i++) expect(await budget.recordFailure(attempt, T0 + 1)).toBeUndefined();
    expect(await budget.checkAddress(attempt, T0 + 2)).toMatchObject({ reason: expect.stringContaining('this address') });
  });

  it('sees failures other nodes counted within a second', async () => {
    const counter = new PeekCountingCounter();
    const budget = new AuthFailureBudget(counter, limits);
    const elsewhere = new AuthFailureBudget(counter, limits);
    expect(await budget.checkAddress(attempt, T0)).toBeUndefined();
    for (let i = 0; i <= limits.perIp; i++) await elsewhere.recordFailure(attempt, T0 + 1);
    expect(await budget.checkAddress(attempt, T0 + 500), 'still taken as clean').toBeUndefined();
    expect(await budget.checkAddress(attempt, T0 + 1_000)).toMatchObject({ retryAfterSeconds: expect.any(Number) });
  });
});
