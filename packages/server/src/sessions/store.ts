/**
 * Queries for the sessions table. Every SQL statement on it lives here, the usage domain's too,
 * so the one definition of "in progress during a range" is shared.
 */
import type { ExpressionBuilder } from 'kysely';
import type { Db } from '../store/database.ts';
import type { Database, SessionTable } from '../store/schema.ts';

export type SessionRow = SessionTable;

/** Unix-ms bounds; either may be open. */
export interface TimeRange {
  from?: number;
  to?: number;
}

export interface SessionFilter extends TimeRange {
  channel?: string;
  /** Stored uid forms (JSON) any of which matches. */
  uids?: string[];
}

/** Where the previous page ended: pages are ordered by (joined_at, session_id) descending. */
export interface SessionKey {
  joinedAt: number;
  sessionId: string;
}

/**
 * In progress at some time in [from, to): joined before `to`, and not left by `from`. A session
 * that joined inside the range always matches, even one that lasted no time at all.
 */
function inRange(eb: ExpressionBuilder<Database, 'sessions'>, range: TimeRange) {
  const conditions = [];
  if (range.to !== undefined) conditions.push(eb('joined_at', '<', range.to));
  if (range.from !== undefined) {
    conditions.push(eb.or([eb('left_at', 'is', null), eb('left_at', '>', range.from), eb('joined_at', '>=', range.from)]));
  }
  return eb.and(conditions);
}

export async function insertSessionIfAbsent(db: Db, row: SessionRow): Promise<boolean> {
  const result = await db.insertInto('sessions').values(row).onConflict((oc) => oc.column('session_id').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Closes a session that is open; returns false when it is unknown or already closed. */
export async function closeSession(db: Db, sessionId: string, leftAt: number, reason: number): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ left_at: leftAt, leave_reason: reason })
    .where('session_id', '=', sessionId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function findSession(db: Db, sessionId: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('session_id', '=', sessionId).executeTakeFirst();
}

export async function closeOpenSessionsOfNode(db: Db, nodeId: string, leftAt: number, reason: number): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ left_at: leftAt, leave_reason: reason })
    .where('node_id', '=', nodeId)
    .where('left_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The sessions a node left open, oldest join first. */
export function openSessionsOfNode(db: Db, nodeId: string): Promise<SessionRow[]> {
  return db.selectFrom('sessions').selectAll().where('node_id', '=', nodeId).where('left_at', 'is', null).orderBy('joined_at').orderBy('session_id').execute();
}

/** Whether anyone is still in a channel, on any node. */
export async function hasOpenSession(db: Db, appId: string, channel: string): Promise<boolean> {
  const row = await db
    .selectFrom('sessions')
    .select('session_id')
    .where('app_id', '=', appId)
    .where('channel', '=', channel)
    .where('left_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export function listSessions(db: Db, appId: string, filter: SessionFilter, after: SessionKey | undefined, limit: number): Promise<SessionRow[]> {
  let query = db
    .selectFrom('sessions')
    .selectAll()
    .where('app_id', '=', appId)
    .where((eb) => inRange(eb, filter));
  if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
  if (filter.uids !== undefined) query = query.where('uid', 'in', filter.uids);
  if (after !== undefined) {
    query = query.where((eb) => eb(eb.refTuple('joined_at', 'session_id'), '<', eb.tuple(after.joinedAt, after.sessionId)));
  }
  return query.orderBy('joined_at', 'desc').orderBy('session_id', 'desc').limit(limit).execute();
}

export type SessionInterval = Pick<SessionRow, 'channel' | 'joined_at' | 'left_at'>;

/** The sessions in progress during [from, to), as intervals: all usage needs of them. */
export function sessionIntervals(db: Db, appId: string, range: Required<TimeRange>, channel: string | undefined): Promise<SessionInterval[]> {
  let query = db
    .selectFrom('sessions')
    .select(['channel', 'joined_at', 'left_at'])
    .where('app_id', '=', appId)
    .where((eb) => inRange(eb, range));
  if (channel !== undefined) query = query.where('channel', '=', channel);
  return query.execute();
}
