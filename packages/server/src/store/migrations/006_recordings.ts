/**
 * Cloud recordings: resources handed out by Agora's `acquire` (valid 5 minutes, one recording
 * each), the recordings themselves, and the raw slices an individual recording has written, so a
 * node that crashed can finalise them when it starts again.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording_resources')
    .addColumn('resource_id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('projects.app_id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('resource_expired_hour', 'integer', (c) => c.notNull())
    .addColumn('start_parameter', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('sid', 'text')
    .execute();
  // Expired, never-started resources are swept by age.
  await db.schema.createIndex('recording_resources_expires').on('recording_resources').column('expires_at').execute();

  await db.schema
    .createTable('recordings')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    // One resource starts one recording, even when two starts race.
    .addColumn('resource_id', 'text', (c) => c.notNull().unique())
    .addColumn('app_id', 'text', (c) => c.notNull().references('projects.app_id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('storage', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('capture_started_at', 'bigint')
    .addColumn('media_started_at', 'bigint')
    .addColumn('stopped_at', 'bigint')
    .addColumn('file_list', 'text', (c) => c.notNull())
    .addColumn('pending_files', 'text', (c) => c.notNull())
    .addColumn('uploading_status', 'text')
    .addColumn('error', 'text')
    .execute();
  // A channel's recordings newest first, and "is this channel (and uid) being recorded".
  await db.schema.createIndex('recordings_app_channel_created').on('recordings').columns(['app_id', 'channel', 'created_at', 'sid']).execute();
  // What a starting node left unfinished, and which uploads wait for a retry.
  await db.schema.createIndex('recordings_node_status').on('recordings').columns(['node_id', 'status']).execute();

  await db.schema
    .createTable('recording_slices')
    .addColumn('sid', 'text', (c) => c.notNull().references('recordings.sid').onDelete('cascade'))
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('recording_slices_pk', ['sid', 'file'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_slices').execute();
  await db.schema.dropTable('recordings').execute();
  await db.schema.dropTable('recording_resources').execute();
}
