/**
 * How a recording's row changes and how the change is announced. A change and the notices of its
 * events are written in one transaction, through the recording outbox (webhooks), so a notice
 * exists exactly when its state change does: a crash between the two can neither lose nor invent
 * one. After the commit the events go on the in-process bus for in-process listeners.
 *
 * A status change is saved with its `recording.status` event by `transition`, so no caller can do
 * one without the other; events of the same step (an error, the upload) come just before it, and
 * those that end the step (the recorder leaving, the task exiting) just after.
 */
import type { DomainEvent, RecordingFileInfo, RecordingRef } from '@parley/protocol';
import type { EventBus } from '../events/bus.ts';
import { writeThroughOutbox, type EventOutbox } from '../events/outbox.ts';
import type { Db } from '../store/database.ts';
import * as store from './store.ts';

export interface TransitionContext {
  db: Db;
  events: EventBus;
  /** Where the events' notices are written (webhooks), in the transaction of the change. */
  outbox?: EventOutbox | undefined;
  /**
   * After a committed change to one of the project's recording rows: channel GETs cache the
   * recording state (channels/storedState.ts) and must reload it, on every node.
   */
  recordingsChanged: (appId: string) => Promise<void>;
}

type RowChanges = Partial<Omit<store.RecordingRow, 'sid'>>;

/** What every recording event says about its task. */
export function recordingRef(row: store.RecordingRow): RecordingRef {
  return { appId: row.app_id, channel: row.channel, sid: row.sid, resourceId: row.resource_id, uid: row.uid, mode: row.mode, at: Date.now() };
}

function statusEvent(row: store.RecordingRow): DomainEvent {
  return { type: 'recording.status', ...recordingRef(row), status: row.status, fileList: JSON.parse(row.file_list) as RecordingFileInfo[] };
}

/**
 * Runs `work` and writes the events' notices in one transaction; once it is committed, `saved`
 * updates what the process holds and the events go on the bus.
 */
async function write(context: TransitionContext, events: DomainEvent[], work: (db: Db) => Promise<void>, saved: () => void = () => {}, changedApp?: string): Promise<void> {
  const outbox = context.outbox;
  if (!outbox || events.length === 0) {
    await work(context.db);
  } else {
    await writeThroughOutbox(context.db, outbox, async (trx, record) => {
      await work(trx);
      for (const event of events) await record(event);
    });
  }
  if (changedApp !== undefined) await context.recordingsChanged(changedApp);
  saved();
  for (const event of events) context.events.emit(event);
}

/**
 * Changes a recording's row, in the database and then in the copy the caller holds (so the copy
 * never shows a change the database refused), with the notices of `events`.
 */
export async function updateRow(context: TransitionContext, row: store.RecordingRow, changes: RowChanges, events: DomainEvent[] = []): Promise<void> {
  await write(
    context,
    events,
    (db) => store.updateRecording(db, row.sid, changes),
    () => Object.assign(row, changes),
    row.app_id,
  );
}

/** Events of a step that changes nothing in the row (the recorder leaving at shutdown, an error). */
export function announce(context: TransitionContext, events: DomainEvent[]): Promise<void> {
  return write(context, events, async () => {});
}

/** Saves a new status (with `changes`) and announces it, after `alongside` events of the same step and before `following` ones. */
export async function transition(
  context: TransitionContext,
  row: store.RecordingRow,
  status: number,
  changes: Partial<Omit<store.RecordingRow, 'sid' | 'status'>> = {},
  alongside: DomainEvent[] = [],
  following: DomainEvent[] = [],
): Promise<void> {
  const next = { ...changes, status };
  await updateRow(context, row, next, [...alongside, statusEvent({ ...row, ...next }), ...following]);
}

/** A new recording's row, saved and announced (status 1, initialised). */
export async function created(context: TransitionContext, row: store.RecordingRow): Promise<void> {
  await write(context, [statusEvent(row)], (db) => store.insertRecording(db, row), undefined, row.app_id);
}
