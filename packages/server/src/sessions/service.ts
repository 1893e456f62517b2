/**
 * Session rules: a session opens on `participant.joined` and closes once on `participant.left`;
 * a starting node closes what it left open; sessions are listed newest first.
 */
import { leaveReasonName, type LeaveReason, type ListSessionsQuery, type ParticipantJoinedEvent, type ParticipantLeftEvent, type Session, type SessionPage } from '@parley/protocol';
import type { Db } from '../store/database.ts';
import { decodeSessionCursor, encodeSessionCursor } from './cursor.ts';
import * as store from './store.ts';
import { checkRangeOrder, parseIsoTime } from './time.ts';

export interface SessionLogger {
  warn(details: object, message: string): void;
  debug(details: object, message: string): void;
}

export type SessionFilters = Pick<ListSessionsQuery, 'channel' | 'uid' | 'from' | 'to'>;
export type SessionPageRequest = Pick<ListSessionsQuery, 'limit' | 'cursor'>;

const MAX_UID = 4294967295;

/** The stored forms (JSON) a uid filter matches: digits name the numeric uid and the account alike. */
function storedUids(uid: string): string[] {
  const numeric = Number(uid);
  const isUid = /^\d+$/.test(uid) && String(numeric) === uid && numeric <= MAX_UID;
  return isUid ? [JSON.stringify(numeric), JSON.stringify(uid)] : [JSON.stringify(uid)];
}

export class SessionService {
  #db: Db;
  #nodeId: string;
  #log: SessionLogger;
  /** Per session, the tail of its pending writes: a leave never overtakes its join on the pool. */
  #writes = new Map<string, Promise<void>>();

  constructor(db: Db, nodeId: string, log: SessionLogger) {
    this.#db = db;
    this.#nodeId = nodeId;
    this.#log = log;
  }

  recordJoin(event: ParticipantJoinedEvent): Promise<void> {
    return this.#inOrder(event.sessionId, async () => {
      // A repeated join (same session) changes nothing: the first one holds the join time.
      await store.insertSessionIfAbsent(this.#db, {
        session_id: event.sessionId,
        app_id: event.appId,
        channel: event.channel,
        uid: JSON.stringify(event.uid),
        role: event.role,
        platform: event.platform,
        mode: event.mode,
        node_id: this.#nodeId,
        joined_at: event.at,
        left_at: null,
        leave_reason: null,
      });
    });
  }

  recordLeave(event: ParticipantLeftEvent): Promise<void> {
    return this.#inOrder(event.sessionId, async () => {
      if (await store.closeSession(this.#db, event.sessionId, event.at, event.reason)) return;
      if (await store.findSession(this.#db, event.sessionId)) {
        this.#log.debug({ sessionId: event.sessionId }, 'session already closed; repeated leave ignored');
        return;
      }
      // Its join was never stored (the store failed then, say). The leave carries everything a
      // session needs, so it is recorded closed rather than lost from usage.
      this.#log.warn({ sessionId: event.sessionId, appId: event.appId, channel: event.channel }, 'leave for an unknown session; recorded from the leave');
      await store.insertSessionIfAbsent(this.#db, {
        session_id: event.sessionId,
        app_id: event.appId,
        channel: event.channel,
        uid: JSON.stringify(event.uid),
        role: event.role,
        platform: event.platform,
        mode: event.mode,
        node_id: this.#nodeId,
        joined_at: event.joinedAt,
        left_at: event.at,
        leave_reason: event.reason,
      });
    });
  }

  /**
   * Closes every session a node left open (it crashed, or stopped without saying goodbye), as
   * left at `at` for `reason`. Run when the node starts, before it accepts anyone.
   */
  closeOpenSessions(nodeId: string, reason: LeaveReason, at: number): Promise<number> {
    return store.closeOpenSessionsOfNode(this.#db, nodeId, at, reason);
  }

  async listSessions(appId: string, filters: SessionFilters, page: SessionPageRequest): Promise<SessionPage> {
    const from = filters.from === undefined ? undefined : parseIsoTime(filters.from, 'from');
    const to = filters.to === undefined ? undefined : parseIsoTime(filters.to, 'to');
    if (from !== undefined && to !== undefined) checkRangeOrder(from, to);
    const after = page.cursor ? decodeSessionCursor(page.cursor) : undefined;
    const limit = page.limit ?? 100;
    const filter: store.SessionFilter = {
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(filters.channel !== undefined ? { channel: filters.channel } : {}),
      ...(filters.uid !== undefined ? { uids: storedUids(filters.uid) } : {}),
    };
    // One row more than asked tells whether another page follows.
    const rows = await store.listSessions(this.#db, appId, filter, after, limit + 1);
    const pageRows = rows.slice(0, limit);
    const last = pageRows.at(-1);
    return {
      sessions: pageRows.map(toSession),
      nextCursor: rows.length > limit && last ? encodeSessionCursor({ joinedAt: last.joined_at, sessionId: last.session_id }) : null,
    };
  }

  #inOrder(sessionId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(sessionId) ?? Promise.resolve();
    // A failed earlier write is the bus's to log; it must not stop the next one.
    const next = previous.catch(() => {}).then(write);
    this.#writes.set(sessionId, next);
    void next
      .catch(() => {})
      .finally(() => {
        if (this.#writes.get(sessionId) === next) this.#writes.delete(sessionId);
      });
    return next;
  }
}

function toSession(row: store.SessionRow): Session {
  const closed = row.left_at !== null;
  return {
    sessionId: row.session_id,
    channel: row.channel,
    uid: JSON.parse(row.uid) as number | string,
    role: row.role,
    platform: row.platform,
    joinedAt: new Date(row.joined_at).toISOString(),
    leftAt: row.left_at === null ? null : new Date(row.left_at).toISOString(),
    // A clock stepping back must not make a negative duration.
    durationSeconds: row.left_at === null ? null : Math.max(0, row.left_at - row.joined_at) / 1000,
    leaveReason: closed ? row.leave_reason : null,
    leaveReasonName: closed && row.leave_reason !== null ? leaveReasonName(row.leave_reason) : null,
  };
}
