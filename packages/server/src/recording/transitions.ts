/**
 * How a recording's row changes and how the change is announced. A status change is saved and its
 * `recording.status` event emitted together, by `transition`, so no caller can do one without the
 * other; events that belong to the same step (an error, the upload) are emitted just before it.
 */
import type { DomainEvent, RecordingFileInfo, RecordingRef } from '@parley/protocol';
import type { EventBus } from '../events/bus.ts';
import type { Db } from '../store/database.ts';
import * as store from './store.ts';

export interface TransitionContext {
  db: Db;
  events: EventBus;
}

/** What every recording event says about its task. */
export function recordingRef(row: store.RecordingRow): RecordingRef {
  return { appId: row.app_id, channel: row.channel, sid: row.sid, resourceId: row.resource_id, uid: row.uid, mode: row.mode, at: Date.now() };
}

export function statusEvent(row: store.RecordingRow): DomainEvent {
  return { type: 'recording.status', ...recordingRef(row), status: row.status, fileList: JSON.parse(row.file_list) as RecordingFileInfo[] };
}

/** Changes a recording's row, in the database and in the copy the caller holds. */
export async function updateRow(db: Db, row: store.RecordingRow, changes: Partial<Omit<store.RecordingRow, 'sid'>>): Promise<void> {
  Object.assign(row, changes);
  await store.updateRecording(db, row.sid, changes);
}

/** Saves a new status (with `changes`) and announces it, after `alongside` events of the same step. */
export async function transition(
  context: TransitionContext,
  row: store.RecordingRow,
  status: number,
  changes: Partial<Omit<store.RecordingRow, 'sid' | 'status'>> = {},
  alongside: DomainEvent[] = [],
): Promise<void> {
  await updateRow(context.db, row, { ...changes, status });
  for (const event of alongside) context.events.emit(event);
  context.events.emit(statusEvent(row));
}

/** A new recording's row, saved and announced (status 1, initialised). */
export async function created(context: TransitionContext, row: store.RecordingRow): Promise<void> {
  await store.insertRecording(context.db, row);
  context.events.emit(statusEvent(row));
}
