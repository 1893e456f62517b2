/**
 * The paging cursor of session lists: the (joined_at, session_id) key of a page's last row, in the
 * one cursor format of every list (paging/cursor.ts).
 */
import { cursorCodec } from '../paging/cursor.ts';
import type { SessionKey } from './store.ts';

export const sessionCursors = cursorCodec<SessionKey>(
  (key) => [key.joinedAt, key.sessionId],
  ([joinedAt, sessionId]) => (typeof joinedAt === 'number' && typeof sessionId === 'string' ? { joinedAt, sessionId } : undefined),
);
