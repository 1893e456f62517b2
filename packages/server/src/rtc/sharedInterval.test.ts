import { afterEach, describe, expect, it, vi } from 'vitest';
import { SharedInterval } from './sharedInterval.ts';

describe('a shared interval', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs every task once a period on one timer, and holds no timer without tasks', () => {
    vi.useFakeTimers();
    const ticks = new SharedInterval(1_000);
    const runs = { a: 0, b: 0, c: 0 };
    const stopA = ticks.add(() => (runs.a += 1));
    vi.advanceTimersByTime(400);
    const stopB = ticks.add(() => (runs.b += 1));
    ticks.add(() => (runs.c += 1));
    expect(vi.getTimerCount()).toBe(1);

    // B and C joined mid-period: their first run is at the next tick, with A's.
    vi.advanceTimersByTime(600);
    expect(runs).toEqual({ a: 1, b: 1, c: 1 });
    vi.advanceTimersByTime(2_000);
    expect(runs).toEqual({ a: 3, b: 3, c: 3 });

    stopA();
    stopB();
    vi.advanceTimersByTime(1_000);
    expect(runs).toEqual({ a: 3, b: 3, c: 4 });
  });

  it('stops its timer when the last task stops, and starts one again for a new task', () => {
    vi.useFakeTimers();
    const ticks = new SharedInterval(500);
    const stop = ticks.add(() => {});
    expect(vi.getTimerCount()).toBe(1);
    stop();
    stop();
    expect(vi.getTimerCount()).toBe(0);
    let runs = 0;
    ticks.add(() => (runs += 1));
    vi.advanceTimersByTime(1_000);
    expect(runs).toBe(2);
  });

  it('skips a task another one stopped during the same tick, and runs one added meanwhile from the next', () => {
    vi.useFakeTimers();
    const ticks = new SharedInterval(1_000);
    const order: string[] = [];
    let stopSecond = () => {};
    ticks.add(() => {
      order.push('first');
      stopSecond();
      ticks.add(() => order.push('late'));
    });
    stopSecond = ticks.add(() => order.push('second'));
    vi.advanceTimersByTime(1_000);
    expect(order).toEqual(['first']);
  });

  it('runs the other tasks when one throws, then throws its error as a timer of its own would', () => {
    vi.useFakeTimers();
    const ticks = new SharedInterval(1_000);
    let after = 0;
    ticks.add(() => {
      throw new Error('task failed');
    });
    ticks.add(() => (after += 1));
    expect(() => vi.advanceTimersByTime(1_000)).toThrow('task failed');
    expect(after).toBe(1);
  });
});
