/**
 * Projects can be disabled from the console: joins and API calls for them are refused until they
 * are enabled again. Every existing project is active.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').addColumn('status', 'text', (c) => c.notNull().defaultTo('active')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('status').execute();
}
