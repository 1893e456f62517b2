import { describe, expect, it } from 'vitest';
import { gatewayUnreachable, requestTimeout, serverRefused, socketClosed } from '../errors.ts';
import { RESUME_RETRY_INTERVAL_MS, SteadyRetryPolicy, type ReconnectContext } from './reconnectPolicy.ts';

function failure(overrides: Partial<ReconnectContext>): ReconnectContext {
  return { retryCount: 1, elapsedMs: 0, lastAttemptMs: 0, error: gatewayUnreachable('ws://127.0.0.1:1/v1/rtc'), ...overrides };
}

describe('SteadyRetryPolicy (the default)', () => {
  const policy = new SteadyRetryPolicy();

  it('tries a new socket once a second', () => {
    expect(RESUME_RETRY_INTERVAL_MS).toBe(1_000);
    expect(policy.nextRetryDelayMs(failure({ lastAttemptMs: 0 }))).toBe(1_000);
  });

  it('counts the second from the start of the failed attempt', () => {
    expect(policy.nextRetryDelayMs(failure({ lastAttemptMs: 300 }))).toBe(700);
  });

  it('tries again at once after an attempt that took longer than the interval', () => {
    expect(policy.nextRetryDelayMs(failure({ lastAttemptMs: 10_000 }))).toBe(0);
  });

  it('keeps trying after network failures, however many', () => {
    for (const error of [gatewayUnreachable('ws://x'), socketClosed('resume'), requestTimeout('resume', 10_000), new Error('anything else')]) {
      expect(policy.nextRetryDelayMs(failure({ error, retryCount: 12, elapsedMs: 12_000 }))).toBe(1_000);
    }
  });

  it('gives up when the server answered and refused to resume', () => {
    expect(policy.nextRetryDelayMs(failure({ error: serverRefused('session_not_found', 'expired', 'resume') }))).toBeNull();
  });

  it('takes another interval', () => {
    expect(new SteadyRetryPolicy(250).nextRetryDelayMs(failure({ lastAttemptMs: 50 }))).toBe(200);
  });
});
