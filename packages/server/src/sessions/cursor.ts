/**
 * The opaque paging cursor of session lists: the (joined_at, session_id) key of a page's last row,
 * behind a short checksum, base64url-encoded. Keyset paging never repeats or skips a row when
 * sessions are added meanwhile.
 *
 * The checksum is not a signature (a cursor only ever reads the caller's own project, so a forged
 * one gains nothing); it makes an edited or truncated cursor a 400 instead of a silent jump.
 */
import { createHash } from 'node:crypto';
import { DomainError } from '../domainError.ts';
import type { SessionKey } from './store.ts';

const CHECKSUM_BYTES = 6;
const KEY = /^(\d{1,16}):(.+)$/s;

function checksum(payload: Buffer): Buffer {
  return createHash('sha256').update(payload).digest().subarray(0, CHECKSUM_BYTES);
}

export function encodeSessionCursor(key: SessionKey): string {
  const payload = Buffer.from(`${key.joinedAt}:${key.sessionId}`, 'utf8');
  return Buffer.concat([checksum(payload), payload]).toString('base64url');
}

/** Anything but a cursor this API made (edited, truncated, invented) is a 400, never a 500. */
export function decodeSessionCursor(cursor: string): SessionKey {
  const bytes = Buffer.from(cursor, 'base64url');
  const payload = bytes.subarray(CHECKSUM_BYTES);
  const match = bytes.length > CHECKSUM_BYTES && checksum(payload).equals(bytes.subarray(0, CHECKSUM_BYTES)) ? KEY.exec(payload.toString('utf8')) : null;
  const key = match ? { joinedAt: Number(match[1]), sessionId: match[2]! } : undefined;
  if (!key || !Number.isSafeInteger(key.joinedAt) || encodeSessionCursor(key) !== cursor) {
    throw new DomainError('invalid_parameter', 'cursor is not a cursor this API returned', 'cursor');
  }
  return key;
}
