import { describe, expect, it } from 'vitest';
import { MessageBudget, TokenBucket } from './messageBudget.ts';

describe('token bucket', () => {
  it('allows a burst of its capacity, then refills at its rate', () => {
    const bucket = new TokenBucket(3, 2, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.take(499)).toBe(false);
    expect(bucket.take(500)).toBe(true);
    // Never more than its capacity, however long it rested.
    const rested = [1, 2, 3, 4].map(() => bucket.take(60_000));
    expect(rested).toEqual([true, true, true, false]);
  });
});

describe('message budget', () => {
  it('drops a flood, says so once, and disconnects a socket that keeps on', () => {
    const budget = new MessageBudget(0);
    const told: boolean[] = [];
    const verdicts = Array.from({ length: 400 }, () => {
      const verdict = budget.admit(1_000);
      told.push(budget.justStartedDropping);
      return verdict;
    });
    expect(verdicts.filter((v) => v === 'accept')).toHaveLength(200);
    expect(verdicts.indexOf('drop')).toBe(200);
    expect(told.filter(Boolean)).toHaveLength(1);
    // The 101st drop disconnects.
    expect(verdicts.indexOf('disconnect')).toBe(300);
  });

  it('forgets drops after a quiet while, so a bursty client is not disconnected over hours', () => {
    const budget = new MessageBudget(0);
    for (let burst = 0; burst < 5; burst += 1) {
      const at = burst * 60_000;
      const verdicts = Array.from({ length: 260 }, () => budget.admit(at));
      expect(verdicts).not.toContain('disconnect');
    }
  });

  it('budgets costly messages on their own, leaving cheap ones alone', () => {
    const budget = new MessageBudget(0);
    const offers = Array.from({ length: 12 }, () => budget.admitCostly('publish-offer', 0));
    expect(offers.filter((v) => v === 'accept')).toHaveLength(10);
    expect(budget.admitCostly('subscribe', 0)).toBe('accept');
    expect(budget.admitCostly('publish-offer', 1_000)).toBe('accept');
  });
});
