import { describe, expect, it } from 'vitest';
import { DomainError } from '../domainError.ts';
import { cursorCodec } from './cursor.ts';

const codec = cursorCodec<{ at: number; id: string }>(
  (key) => [key.at, key.id],
  ([at, id]) => (typeof at === 'number' && typeof id === 'string' ? { at, id } : undefined),
);

function refusal(cursor: string): unknown {
  try {
    codec.decode(cursor);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('paging cursor', () => {
  it('reads back the key it wrote, in URL-safe characters', () => {
    const cursor = codec.encode({ at: 1_700_000_000_000, id: 'room:ä/1' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(codec.decode(cursor)).toEqual({ at: 1_700_000_000_000, id: 'room:ä/1' });
  });

  it('refuses edited, truncated, invented and foreign cursors as a bad `cursor` field', () => {
    const cursor = codec.encode({ at: 5, id: 'x' });
    const edited = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}${cursor.slice(-1)}`;
    const foreign = cursorCodec<string>((name) => [name], ([name]) => (typeof name === 'string' ? name : undefined)).encode('x');
    for (const bad of [edited, cursor.slice(0, 8), '', 'AAAA', Buffer.from('[5,"x"]').toString('base64url'), foreign]) {
      const error = refusal(bad);
      expect(error, bad).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'invalid_parameter', field: 'cursor' });
    }
  });
});
