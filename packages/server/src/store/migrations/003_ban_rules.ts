/**
 * Ban rules: who may not join or publish, where, until when (REST kicks with banSeconds, and
 * Agora's kicking-rule API).
 */
import { SqliteAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Agora's rule ids are integers; each database spells an auto-increment key its own way.
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  await db.schema
    .createTable('ban_rules')
    .addColumn('id', sqlite ? 'integer' : 'serial', (c) => (sqlite ? c.primaryKey().autoIncrement() : c.primaryKey()))
    .addColumn('app_id', 'text', (c) => c.notNull().references('projects.app_id').onDelete('cascade'))
    .addColumn('channel', 'text')
    .addColumn('uid', 'text')
    .addColumn('ip', 'text')
    .addColumn('privileges', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('ban_rules_app_expires').on('ban_rules').columns(['app_id', 'expires_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ban_rules').execute();
}
