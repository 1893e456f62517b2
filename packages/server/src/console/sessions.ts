/**
 * Console sign-in sessions. The holder gets a random id (`pcs_…`, 256 bits) as an HttpOnly cookie
 * or, for scripts, as a bearer token; the store keeps only its SHA-256, so a copy of the database
 * signs nobody in. A session ends after 12 hours, after 2 idle hours, or at sign-out; a password
 * change ends all of a user's sessions. Cookie sessions carry a CSRF token that every change must
 * echo (the console's guard checks it).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../store/database.ts';
import * as store from './store.ts';

export const SESSION_PREFIX = 'pcs_';
export const SESSION_LIFETIME_MS = 12 * 3600_000;
export const SESSION_IDLE_MS = 2 * 3600_000;
/** Last-seen times are written at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type SessionKind = 'cookie' | 'bearer';

export interface OpenedSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
}

export interface ActiveSession {
  userId: string;
  kind: SessionKind;
  csrfToken: string;
  expiresAt: number;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class ConsoleSessions {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async open(userId: string, kind: SessionKind, now = Date.now()): Promise<OpenedSession> {
    const token = `${SESSION_PREFIX}${randomBytes(32).toString('base64url')}`;
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = now + SESSION_LIFETIME_MS;
    await store.deleteExpiredSessions(this.#db, now);
    await store.insertSession(this.#db, { id_hash: hashOf(token), user_id: userId, kind, csrf_token: csrfToken, created_at: now, last_seen_at: now, expires_at: expiresAt });
    return { token, csrfToken, expiresAt };
  }

  /** The live session a token names, or undefined when it is unknown, expired or idle too long. */
  async check(token: string, now = Date.now()): Promise<ActiveSession | undefined> {
    if (!token.startsWith(SESSION_PREFIX) || token.length > 100) return undefined;
    const idHash = hashOf(token);
    const row = await store.findSession(this.#db, idHash);
    if (!row) return undefined;
    const lastSeen = Number(row.last_seen_at);
    if (Number(row.expires_at) <= now || lastSeen + SESSION_IDLE_MS <= now) {
      await store.deleteSession(this.#db, idHash);
      return undefined;
    }
    if (now - lastSeen >= TOUCH_EVERY_MS) await store.touchSession(this.#db, idHash, now);
    return { userId: row.user_id, kind: row.kind, csrfToken: row.csrf_token, expiresAt: Math.min(Number(row.expires_at), now + SESSION_IDLE_MS) };
  }

  async close(token: string): Promise<void> {
    await store.deleteSession(this.#db, hashOf(token));
  }

  async closeAllOf(userId: string): Promise<void> {
    await store.deleteSessionsOf(this.#db, userId);
  }
}
