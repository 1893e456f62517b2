/**
 * How many NCS notices each recording task has been given, so its notices' 0-based `sequence` goes
 * on from where it was after a restart: the count is raised in the same transaction that queues a
 * notice, so a crash can leave neither a gap nor a repeated number. Keyed by sid alone (no
 * reference to `recordings`): the numbering belongs to the notices, not to the recording's row.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('recording_notice_sequences')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('issued', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('recording_notice_sequences').execute();
}
