/**
 * A project may have a secondary App Certificate beside its primary one, so servers can move to a
 * new certificate without downtime: tokens signed by either verify. Each certificate keeps when it
 * was made; an existing project's primary was made with the project.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // SQLite adds a NOT NULL column only with a default; the update then gives each its real time.
  await db.schema.alterTable('projects').addColumn('app_certificate_created_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update projects set app_certificate_created_at = created_at`.execute(db);
  await db.schema.alterTable('projects').addColumn('secondary_certificate', 'text').execute();
  await db.schema.alterTable('projects').addColumn('secondary_certificate_created_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('projects').dropColumn('secondary_certificate_created_at').execute();
  await db.schema.alterTable('projects').dropColumn('secondary_certificate').execute();
  await db.schema.alterTable('projects').dropColumn('app_certificate_created_at').execute();
}
