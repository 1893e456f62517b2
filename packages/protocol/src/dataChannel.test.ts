import { describe, expect, it } from 'vitest';
import { DATA_LIMITS, DataFrameKind, DataSendBudget, decodeClientFrame, decodeServerFrame, encodeClientFrame, encodeSenderUid, encodeServerFrame } from './dataChannel.ts';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('data channel frames', () => {
  it('puts the kind before the payload in a client frame and reads it back without copying', () => {
    const frame = encodeClientFrame(DataFrameKind.streamMessage, bytes(7, 8, 9));
    expect([...frame]).toEqual([1, 7, 8, 9]);
    const decoded = decodeClientFrame(frame);
    expect(decoded).toEqual({ kind: DataFrameKind.streamMessage, payload: bytes(7, 8, 9) });
    expect('payload' in decoded && decoded.payload.buffer).toBe(frame.buffer);
    expect(decodeClientFrame(encodeClientFrame(DataFrameKind.metadata, bytes()))).toEqual({ kind: DataFrameKind.metadata, payload: bytes() });
  });

  it('refuses an empty frame, an unknown kind and a payload above 1 KB', () => {
    expect(decodeClientFrame(bytes())).toEqual({ problem: 'empty' });
    expect(decodeClientFrame(bytes(0, 1))).toEqual({ problem: 'unknown-kind' });
    expect(decodeClientFrame(bytes(3))).toEqual({ problem: 'unknown-kind' });
    const largest = new Uint8Array(1 + DATA_LIMITS.maxPayloadBytes).fill(1);
    expect('payload' in decodeClientFrame(largest)).toBe(true);
    expect(decodeClientFrame(new Uint8Array(2 + DATA_LIMITS.maxPayloadBytes).fill(1))).toEqual({ problem: 'oversize' });
  });

  it('names a numeric sender in 4 big-endian bytes and a string sender by length and UTF-8', () => {
    expect([...encodeSenderUid(4294967295)]).toEqual([0, 255, 255, 255, 255]);
    expect([...encodeSenderUid(258)]).toEqual([0, 0, 0, 1, 2]);
    expect([...encodeSenderUid('ab')]).toEqual([1, 2, 97, 98]);
    const frame = encodeServerFrame(DataFrameKind.metadata, encodeSenderUid(258), bytes(5));
    expect([...frame]).toEqual([2, 0, 0, 0, 1, 2, 5]);
  });

  it('reads the SFU frames back: kind, sender and payload', () => {
    const long = 'u'.repeat(255);
    for (const uid of [0, 1, 4294967295, 'alice', long]) {
      const payload = new TextEncoder().encode(`from ${uid}`);
      expect(decodeServerFrame(encodeServerFrame(DataFrameKind.streamMessage, encodeSenderUid(uid), payload))).toEqual({ kind: DataFrameKind.streamMessage, uid, payload });
    }
  });

  it('ignores what is not an SFU frame', () => {
    expect(decodeServerFrame(bytes())).toBeUndefined();
    expect(decodeServerFrame(bytes(9, 0, 0, 0, 0, 1))).toBeUndefined();
    // A numeric uid cut short, a string uid longer than the frame, an empty string uid, an unknown uid type.
    expect(decodeServerFrame(bytes(1, 0, 0, 0, 1))).toBeUndefined();
    expect(decodeServerFrame(bytes(1, 1, 5, 97))).toBeUndefined();
    expect(decodeServerFrame(bytes(1, 1, 0))).toBeUndefined();
    expect(decodeServerFrame(bytes(1, 7, 1, 97))).toBeUndefined();
  });
});

describe('data send budget', () => {
  it('allows 30 frames at once, then 30 a second', () => {
    const budget = new DataSendBudget(1, 0);
    const first = Array.from({ length: 31 }, () => budget.take(1, 0));
    expect(first.filter(Boolean)).toHaveLength(30);
    expect(first[30]).toBe(false);
    expect(budget.take(1, 30)).toBe(false);
    expect(budget.take(1, 34)).toBe(true);
    // A second's rest gives back a second's worth, never more than the burst.
    expect(Array.from({ length: 40 }, () => budget.take(1, 60_000)).filter(Boolean)).toHaveLength(30);
  });

  it('allows 6 KB of payload at once, then 6 KB a second, and takes nothing from a refused frame', () => {
    const budget = new DataSendBudget(1, 0);
    for (let i = 0; i < 6; i++) expect(budget.take(1024, 0)).toBe(true);
    expect(budget.take(1, 0)).toBe(false);
    // 100 ms refill 614 bytes: a 512-byte frame fits, a 1 KB one does not until 267 ms.
    expect(budget.take(1024, 100)).toBe(false);
    expect(budget.take(512, 100)).toBe(true);
    expect(budget.take(1024, 200)).toBe(false);
    expect(budget.take(1024, 267)).toBe(true);
  });

  it('holds twice the burst for the SFU, at the same rate', () => {
    const budget = new DataSendBudget(2, 0);
    expect(Array.from({ length: 70 }, () => budget.take(10, 0)).filter(Boolean)).toHaveLength(60);
    expect(Array.from({ length: 70 }, () => budget.take(10, 1_000)).filter(Boolean)).toHaveLength(30);
  });

  it('refills nothing when the clock steps back', () => {
    const budget = new DataSendBudget(1, 10_000);
    for (let i = 0; i < 30; i++) budget.take(0, 10_000);
    expect(budget.take(0, 0)).toBe(false);
  });
});
