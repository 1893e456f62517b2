/**
 * The opaque paging cursor of every list (channels, sessions, recordings, webhook deliveries): the
 * keyset of a page's last row as a JSON array, behind a short checksum, base64url-encoded. Keyset
 * paging never repeats or skips a row when rows are added meanwhile.
 *
 * The checksum is not a signature (a cursor only ever reads the caller's own project, so a forged
 * one gains nothing); it makes an edited or truncated cursor a 400 instead of a silent jump.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../domainError.ts';

const CHECKSUM_BYTES = 6;

type Part = string | number;

export interface CursorCodec<Key> {
  encode(key: Key): string;
  /** Anything but a cursor this codec made (edited, truncated, invented) is a DomainError on `cursor`. */
  decode(cursor: string): Key;
}

function checksum(payload: Buffer): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, CHECKSUM_BYTES);
}

function parts(payload: Buffer): Part[] | undefined {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(value) && value.every((part) => typeof part === 'string' || Number.isSafeInteger(part)) ? (value as Part[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A codec for one list's key: `toParts` lays the key out, `fromParts` reads it back and answers
 * `undefined` for parts that are not a key of this list.
 */
export function cursorCodec<Key>(toParts: (key: Key) => Part[], fromParts: (parts: Part[]) => Key | undefined): CursorCodec<Key> {
  const encode = (key: Key) => {
    const payload = Buffer.from(JSON.stringify(toParts(key)), 'utf8');
    return Buffer.concat([checksum(payload), payload]).toString('base64url');
  };
  return {
    encode,
    decode(cursor) {
      const bytes = Buffer.from(cursor, 'base64url');
      const payload = bytes.subarray(CHECKSUM_BYTES);
      const valid = bytes.length > CHECKSUM_BYTES && checksum(payload).equals(bytes.subarray(0, CHECKSUM_BYTES));
      const read = valid ? parts(payload) : undefined;
      const key = read ? fromParts(read) : undefined;
      if (key === undefined || encode(key) !== cursor) throw new DomainError('invalid_parameter', 'cursor is not a cursor this API returned', 'cursor');
      return key;
    },
  };
}
