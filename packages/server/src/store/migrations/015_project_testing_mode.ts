/**
 * Testing mode, as Agora's console calls it: a project whose owner turns it on accepts joins with
 * no token (App ID only). Stored as 0/1, the integer both databases read alike; every existing
 * project keeps requiring tokens.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').addColumn('testing_mode', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('testing_mode').execute();
}
