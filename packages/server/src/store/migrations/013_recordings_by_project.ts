/**
 * The console lists a project's recordings across its channels, newest first; the channel index
 * of 006 cannot serve that order, so a project-wide one does.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('recordings_app_created').on('recordings').columns(['app_id', 'created_at', 'sid']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('recordings_app_created').execute();
}
