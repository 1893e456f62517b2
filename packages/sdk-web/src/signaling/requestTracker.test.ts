/**
 * Requests and their replies: matching by requestId, server errors, timeouts, closed sockets.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RequestTracker } from './requestTracker.ts';
import { socketClosed } from '../errors.ts';

describe('RequestTracker', () => {
  afterEach(() => vi.useRealTimers());

  it('gives each request a unique id and resolves it with the reply carrying that id', async () => {
    const tracker = new RequestTracker();
    const first = tracker.start({ type: 'unpublish', kind: 'audio' });
    const second = tracker.start({ type: 'unpublish', kind: 'video' });
    expect(first.message.requestId).not.toBe(second.message.requestId);
    expect(tracker.settle({ type: 'ok', requestId: second.message.requestId })).toBe(true);
    await expect(second.reply).resolves.toEqual({ type: 'ok', requestId: second.message.requestId });
    expect(tracker.size).toBe(1);
    // Left waiting, its timeout would reject it 10 s later, in whatever test runs then.
    tracker.rejectAll((type) => socketClosed(type));
    await expect(first.reply).rejects.toMatchObject({ code: 'WS_DISCONNECT' });
  });

  it('rejects with the server\'s code when an error carries the request id', async () => {
    const tracker = new RequestTracker();
    const { message, reply } = tracker.start({ type: 'renew-token', token: '007abc' });
    tracker.settle({ type: 'error', requestId: message.requestId, code: 'invalid_token', message: 'Signature mismatch' });
    await expect(reply).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'invalid_token', message: 'invalid token, authorized failed: Signature mismatch', data: { requestType: 'renew-token' } });
  });

  it('rejects a reply of the wrong type as UNEXPECTED_RESPONSE', async () => {
    const tracker = new RequestTracker();
    const { message, reply } = tracker.start({ type: 'renew-token', token: '007abc' });
    tracker.settle({ type: 'ok', requestId: message.requestId });
    await expect(reply).rejects.toMatchObject({ code: 'UNEXPECTED_RESPONSE' });
  });

  it('leaves events and unknown ids to the caller', () => {
    const tracker = new RequestTracker();
    expect(tracker.settle({ type: 'user-published', uid: 1, kind: 'video' })).toBe(false);
    expect(tracker.settle({ type: 'ok', requestId: 'nobody-asked' })).toBe(false);
    expect(tracker.settle({ type: 'error', code: 'internal', message: 'no request id' })).toBe(false);
  });

  it('rejects with TIMEOUT when no reply comes in time, and ignores the late reply', async () => {
    vi.useFakeTimers();
    const tracker = new RequestTracker(10_000);
    const { message, reply } = tracker.start({ type: 'subscribe', uid: 7, kind: 'video' });
    const outcome = expect(reply).rejects.toMatchObject({ code: 'TIMEOUT', data: { requestType: 'subscribe', timeoutMs: 10_000 } });
    vi.advanceTimersByTime(10_000);
    await outcome;
    expect(tracker.settle({ type: 'ok', requestId: message.requestId })).toBe(false);
  });

  it('rejects everything still waiting when the socket closes', async () => {
    const tracker = new RequestTracker();
    const a = tracker.start({ type: 'unpublish', kind: 'audio' });
    const b = tracker.start({ type: 'subscribe', uid: 'bob', kind: 'audio' });
    tracker.rejectAll((type) => socketClosed(type));
    await expect(a.reply).rejects.toMatchObject({ code: 'WS_DISCONNECT', data: { requestType: 'unpublish' } });
    await expect(b.reply).rejects.toMatchObject({ code: 'WS_DISCONNECT', data: { requestType: 'subscribe' } });
    expect(tracker.size).toBe(0);
  });
});
