import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaRestarts, type MediaConnection } from './mediaRestarts.ts';

describe('MediaRestarts', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function restarts(outcome: () => Promise<void> = async () => {}) {
    const rebuilt: Array<{ connection: MediaConnection; at: number }> = [];
    const errors: unknown[] = [];
    const subject = new MediaRestarts(
      async (connection) => {
        rebuilt.push({ connection, at: Date.now() });
        await outcome();
      },
      (error) => errors.push(error),
    );
    return { subject, rebuilt, errors };
  }

  it('rebuilds a failed connection at once, then waits longer while it keeps failing', async () => {
    const { subject, rebuilt } = restarts();
    const start = Date.now();
    for (let i = 0; i < 6; i++) {
      subject.failed('publish');
      await vi.runAllTimersAsync();
    }
    expect(rebuilt.map((r) => r.at - start)).toEqual([0, 1_000, 3_000, 7_000, 15_000, 31_000]);
    subject.failed('publish');
    await vi.runAllTimersAsync();
    // Never more than 30 s apart.
    expect(rebuilt.at(-1)!.at - rebuilt.at(-2)!.at).toBe(30_000);
  });

  it('starts from nothing once the connection connects, and counts each connection apart', async () => {
    const { subject, rebuilt } = restarts();
    subject.failed('publish');
    await vi.runAllTimersAsync();
    subject.failed('publish');
    await vi.runAllTimersAsync();
    subject.connected('publish');
    const before = Date.now();
    subject.failed('publish');
    subject.failed('subscribe');
    await vi.advanceTimersByTimeAsync(0);
    expect(rebuilt.slice(2).map((r) => [r.connection, r.at - before])).toEqual([
      ['publish', 0],
      ['subscribe', 0],
    ]);
  });

  it('takes failures reported while a rebuild waits or runs as the same failure', async () => {
    let finish!: () => void;
    const { subject, rebuilt } = restarts(() => new Promise<void>((resolve) => (finish = resolve)));
    subject.failed('subscribe');
    await vi.advanceTimersByTimeAsync(0);
    subject.failed('subscribe');
    subject.failed('subscribe');
    finish();
    await vi.runAllTimersAsync();
    expect(rebuilt).toHaveLength(1);
  });

  it('reports a rebuild that throws and tries again later', async () => {
    let calls = 0;
    const { subject, rebuilt, errors } = restarts(async () => {
      if (++calls === 1) throw new Error('socket closed');
    });
    subject.failed('publish');
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(rebuilt).toHaveLength(2);
  });

  it('runs nothing that was waiting once the session ends', async () => {
    const { subject, rebuilt } = restarts();
    subject.failed('publish');
    await vi.runAllTimersAsync();
    subject.failed('publish');
    subject.reset();
    await vi.runAllTimersAsync();
    expect(rebuilt).toHaveLength(1);
  });
});
