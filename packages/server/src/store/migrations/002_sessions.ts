/**
 * Sessions: one row per participant per call, from join to leave, written from the rtc/ module's
 * domain events. Usage is computed from these rows, so they are the only record of who was on.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('projects.app_id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('uid', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addColumn('leave_reason', 'integer')
    .execute();
  // Listing newest first, and the join-time bound of every range query.
  await db.schema.createIndex('sessions_app_joined').on('sessions').columns(['app_id', 'joined_at', 'session_id']).execute();
  // The same, within one channel (channel filter, per-channel usage).
  await db.schema.createIndex('sessions_app_channel_joined').on('sessions').columns(['app_id', 'channel', 'joined_at']).execute();
  // Sessions that began before a range and were still on at its start (or are still on), without
  // scanning the app's whole history.
  await db.schema.createIndex('sessions_app_left').on('sessions').columns(['app_id', 'left_at']).execute();
  // A starting node closes what it left open; partial, so it stays as small as the live sessions.
  await db.schema.createIndex('sessions_open_by_node').on('sessions').column('node_id').where(sql.ref('left_at'), 'is', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sessions').execute();
}
