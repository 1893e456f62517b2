/**
 * Session rules: a session opens on `participant.joined` and closes once on `participant.left`;
 * a starting node closes what it left open; sessions are listed newest first.
 *
 * This is also the channel's journal for other domains: with an outbox (webhooks), every channel
 * and participant event is handed to it inside the transaction that records the session change,
 * one channel's events one after another, so a notice exists exactly when its state change does
 * (one leave per join, also for sessions a crash left open) and in the order things happened.
 * Those writes go through a journal that retries them until the store takes them (journal.ts):
 * a full disk delays a leave, it does not lose it.
 */
import {
  leaveReasonName,
  type ChannelCreatedEvent,
  type ChannelDestroyedEvent,
  type ParticipantRoleChangedEvent,
  type DomainEvent,
  type LeaveReason,
  type ListSessionsQuery,
  type ParticipantJoinedEvent,
  type ParticipantLeftEvent,
  type Session,
  type SessionPage,
} from '@parley/protocol';
import { writeThroughOutbox, type EventOutbox } from '../events/outbox.ts';
import type { Db } from '../store/database.ts';
import { sessionCursors } from './cursor.ts';
import { WriteJournal, type JournalEntry, type JournalOptions } from './journal.ts';
import * as store from './store.ts';
import { checkRangeOrder, parseIsoTime } from './time.ts';
import type { Logger } from '../log/logger.ts';

export type SessionFilters = Pick<ListSessionsQuery, 'channel' | 'uid' | 'from' | 'to'>;
export type SessionPageRequest = Pick<ListSessionsQuery, 'limit' | 'cursor'>;

const MAX_UID = 4294967295;

/** The stored forms (JSON) a uid filter matches: digits name the numeric uid and the account alike. */
function storedUids(uid: string): string[] {
  const numeric = Number(uid);
  const isUid = /^\d+$/.test(uid) && String(numeric) === uid && numeric <= MAX_UID;
  return isUid ? [JSON.stringify(numeric), JSON.stringify(uid)] : [JSON.stringify(uid)];
}

function channelKey(event: { appId: string; channel: string }): string {
  return `${event.appId}\u0000${event.channel}`;
}

function sessionRow(event: ParticipantJoinedEvent | ParticipantLeftEvent, nodeId: string): store.SessionRow {
  const left = event.type === 'participant.left';
  return {
    session_id: event.sessionId,
    app_id: event.appId,
    channel: event.channel,
    uid: JSON.stringify(event.uid),
    role: event.role,
    platform: event.platform,
    mode: event.mode,
    node_id: nodeId,
    joined_at: left ? event.joinedAt : event.at,
    left_at: left ? event.at : null,
    leave_reason: left ? event.reason : null,
  };
}

/** The leave of a session a node left open, as the SFU would have published it. */
function leaveOf(row: store.SessionRow, at: number, reason: LeaveReason): ParticipantLeftEvent {
  return {
    type: 'participant.left',
    appId: row.app_id,
    channel: row.channel,
    at,
    sessionId: row.session_id,
    uid: JSON.parse(row.uid) as number | string,
    role: row.role,
    mode: row.mode,
    platform: row.platform,
    joinedAt: row.joined_at,
    reason,
  };
}

export class SessionService {
  #db: Db;
  #nodeId: string;
  #log: Logger;
  #outbox: EventOutbox | undefined;
  /** Per channel, its pending writes: recorded in the order they happened, retried until they land. */
  #journal: WriteJournal;

  constructor(db: Db, nodeId: string, log: Logger, outbox?: EventOutbox, journal: Partial<JournalOptions> = {}) {
    this.#db = db;
    this.#nodeId = nodeId;
    this.#log = log;
    this.#outbox = outbox;
    this.#journal = new WriteJournal(log, journal);
  }

  /** Journal entries the store has not taken yet. */
  get pendingWrites(): number {
    return this.#journal.pending;
  }

  /** Since when session writes have been failing (readiness); undefined while they land. */
  writesFailingSince(): number | undefined {
    return this.#journal.failingSince();
  }

  /** The store took a write again (the readiness probe): retry what waits, without its backoff. */
  retryWritesNow(): void {
    this.#journal.retryNow();
  }

  /** Shutdown: gives pending writes up to `graceMs` to land; the next start closes what did not. */
  stopWriting(graceMs: number): Promise<void> {
    return this.#journal.close(graceMs);
  }

  recordJoin(event: ParticipantJoinedEvent): Promise<void> {
    return this.#inOrder(event, 'join', () =>
      this.#write(async (db, record) => {
        // A repeated join (same session) changes nothing: the first one holds the join time.
        if (await store.insertSessionIfAbsent(db, sessionRow(event, this.#nodeId))) await record(event);
      }),
    );
  }

  recordLeave(event: ParticipantLeftEvent): Promise<void> {
    return this.#inOrder(event, 'leave', () =>
      this.#write(async (db, record) => {
        if (await store.closeSession(db, event.sessionId, event.at, event.reason)) {
          await record(event);
          return;
        }
        if (await store.findSession(db, event.sessionId)) {
          this.#log.debug({ sessionId: event.sessionId }, 'session already closed; repeated leave ignored');
          return;
        }
        // Its join was never stored (the store failed then, say). The leave carries everything a
        // session needs, so it is recorded closed rather than lost from usage, and its join is
        // reported with it, so no leave arrives without one.
        this.#log.warn({ sessionId: event.sessionId, appId: event.appId, channel: event.channel }, 'leave for an unknown session; recorded from the leave');
        await store.insertSessionIfAbsent(db, sessionRow(event, this.#nodeId));
        const { joinedAt, reason: _reason, ...joined } = event;
        await record({ ...joined, type: 'participant.joined', at: joinedAt });
        await record(event);
      }),
    );
  }

  /** Channel events and role switches change no session; they pass to the outbox in their channel's order. */
  recordChannelEvent(event: ChannelCreatedEvent | ChannelDestroyedEvent | ParticipantRoleChangedEvent): Promise<void> {
    if (!this.#outbox) return Promise.resolve();
    return this.#inOrder(event, 'channel', () => this.#write((_db, record) => record(event)));
  }

  /**
   * Closes every session a node left open (it crashed, or stopped without saying goodbye), as
   * left at `at` for `reason`, with their leaves (and the end of their channels) in the outbox.
   * Run when the node starts, before it accepts anyone.
   */
  async closeOpenSessions(nodeId: string, reason: LeaveReason, at: number): Promise<number> {
    if (!this.#outbox) return store.closeOpenSessionsOfNode(this.#db, nodeId, at, reason);
    let closed = 0;
    await this.#write(async (db, record) => {
      const open = await store.openSessionsOfNode(db, nodeId);
      closed = await store.closeOpenSessionsOfNode(db, nodeId, at, reason);
      const lastOfChannel = new Map<string, store.SessionRow>();
      for (const row of open) {
        await record(leaveOf(row, at, reason));
        lastOfChannel.set(channelKey({ appId: row.app_id, channel: row.channel }), row);
      }
      for (const row of lastOfChannel.values()) {
        // A channel also in use on another node goes on there.
        if (await store.hasOpenSession(db, row.app_id, row.channel)) continue;
        await record({ type: 'channel.destroyed', appId: row.app_id, channel: row.channel, at, lastUid: JSON.parse(row.uid) as number | string });
      }
    });
    return closed;
  }

  /**
   * Runs `work` with its events for the outbox: in one transaction with them when there is an
   * outbox (and tells it after the commit), directly on the database otherwise.
   */
  async #write(work: (db: Db, record: (event: DomainEvent) => Promise<void>) => Promise<void>): Promise<void> {
    const outbox = this.#outbox;
    if (!outbox) {
      await work(this.#db, async () => {});
      return;
    }
    await writeThroughOutbox(this.#db, outbox, work);
  }

  async listSessions(appId: string, filters: SessionFilters, page: SessionPageRequest): Promise<SessionPage> {
    const from = filters.from === undefined ? undefined : parseIsoTime(filters.from, 'from');
    const to = filters.to === undefined ? undefined : parseIsoTime(filters.to, 'to');
    if (from !== undefined && to !== undefined) checkRangeOrder(from, to);
    const after = page.cursor ? sessionCursors.decode(page.cursor) : undefined;
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
      nextCursor: rows.length > limit && last ? sessionCursors.encode({ joinedAt: last.joined_at, sessionId: last.session_id }) : null,
    };
  }

  #inOrder(event: DomainEvent & { channel: string }, kind: JournalEntry['kind'], write: () => Promise<void>): Promise<void> {
    const sessionId = 'sessionId' in event ? event.sessionId : undefined;
    return this.#journal.add(channelKey(event), { kind, write, describe: { event: event.type, appId: event.appId, channel: event.channel, sessionId } });
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
