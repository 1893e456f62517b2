/**
 * Deleting a project from the console keeps its row (sessions, recordings and usage point at it
 * and stay for billing) but marks when it was deleted; a deleted project is found by nothing.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').addColumn('deleted_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('deleted_at').execute();
}
