/**
 * Queries for recording resources, recordings and their raw slices. Every SQL statement on these
 * tables lives here and runs on SQLite and PostgreSQL alike (times are unix ms, JSON is text).
 */
import type { Db } from '../store/database.ts';
import { preparedQuery } from '../store/preparedQuery.ts';
import type { RecordingResourceTable, RecordingSliceTable, RecordingTable } from '../store/schema.ts';

export type ResourceRow = RecordingResourceTable;
export type RecordingRow = RecordingTable;
export type SliceRow = RecordingSliceTable;

export async function insertResource(db: Db, row: ResourceRow): Promise<void> {
  await db.insertInto('recording_resources').values(row).execute();
}

export function findResource(db: Db, appId: string, resourceId: string): Promise<ResourceRow | undefined> {
  return db.selectFrom('recording_resources').selectAll().where('resource_id', '=', resourceId).where('app_id', '=', appId).executeTakeFirst();
}

/** Marks a resource used by `sid`; false when another start took it first. */
export async function claimResource(db: Db, resourceId: string, sid: string): Promise<boolean> {
  const result = await db.updateTable('recording_resources').set({ sid }).where('resource_id', '=', resourceId).where('sid', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Resources that expired unused: they can never start anything. */
export async function deleteExpiredResources(db: Db, now: number): Promise<void> {
  await db.deleteFrom('recording_resources').where('expires_at', '<', now).where('sid', 'is', null).execute();
}

export async function insertRecording(db: Db, row: RecordingRow): Promise<void> {
  await db.insertInto('recordings').values(row).execute();
}

export function findRecording(db: Db, appId: string, sid: string): Promise<RecordingRow | undefined> {
  return db.selectFrom('recordings').selectAll().where('sid', '=', sid).where('app_id', '=', appId).executeTakeFirst();
}

export async function updateRecording(db: Db, sid: string, changes: Partial<Omit<RecordingRow, 'sid'>>): Promise<void> {
  await db.updateTable('recordings').set(changes).where('sid', '=', sid).execute();
}

/** Sets `media_started_at` unless it is set already: the first media wins. */
export async function markMediaStarted(db: Db, sid: string, at: number): Promise<void> {
  await db.updateTable('recordings').set({ media_started_at: at }).where('sid', '=', sid).where('media_started_at', 'is', null).execute();
}

// Prepared: every GET of a channel runs it (the channel's recording state).
const activeRecordingsOf = preparedQuery((db: Db, { appId, channel }: { appId: string; channel: string }) =>
  db.selectFrom('recordings').selectAll().where('app_id', '=', appId).where('channel', '=', channel).where('status', '<', 6).orderBy('created_at', 'desc'),
);

/** Recordings of the channel that are still recording (status below 6), newest first. */
export function activeRecordings(db: Db, appId: string, channel: string): Promise<RecordingRow[]> {
  return activeRecordingsOf(db, { appId, channel });
}

/** A project's recordings, newest first; of one channel when `channel` is given. */
export function listRecordings(db: Db, appId: string, channel: string | undefined, after: { createdAt: number; sid: string } | undefined, limit: number): Promise<RecordingRow[]> {
  let query = db.selectFrom('recordings').selectAll().where('app_id', '=', appId);
  if (channel !== undefined) query = query.where('channel', '=', channel);
  if (after) query = query.where((eb) => eb(eb.refTuple('created_at', 'sid'), '<', eb.tuple(after.createdAt, after.sid)));
  return query.orderBy('created_at', 'desc').orderBy('sid', 'desc').limit(limit).execute();
}

/**
 * What a node left unfinished: recordings that never reached an exit status, or whose files were
 * still being made (every finished recording has an uploading status, `unknown` at least).
 */
export function unfinishedRecordings(db: Db, nodeId: string): Promise<RecordingRow[]> {
  return db
    .selectFrom('recordings')
    .selectAll()
    .where('node_id', '=', nodeId)
    .where((eb) => eb.or([eb('status', 'not in', [8, 20]), eb('uploading_status', 'is', null)]))
    .execute();
}

/** Finished recordings of a node whose files still wait to be uploaded. */
export function recordingsAwaitingUpload(db: Db, nodeId: string): Promise<RecordingRow[]> {
  return db.selectFrom('recordings').selectAll().where('node_id', '=', nodeId).where('uploading_status', '=', 'backuped').execute();
}

export async function insertSlice(db: Db, row: SliceRow): Promise<void> {
  await db.insertInto('recording_slices').values(row).onConflict((oc) => oc.columns(['sid', 'file']).doNothing()).execute();
}

export function slicesOf(db: Db, sid: string): Promise<SliceRow[]> {
  return db.selectFrom('recording_slices').selectAll().where('sid', '=', sid).orderBy('started_at').execute();
}
