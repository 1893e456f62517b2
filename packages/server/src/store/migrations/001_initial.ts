/**
 * Accounts (Customer ID/Secret, plan), projects (App ID/Certificate) and channels.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().unique())
    .addColumn('customer_secret_hash', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('projects')
    .addColumn('app_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('app_certificate', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('projects_account_id').on('projects').column('account_id').execute();

  await db.schema
    .createTable('channels')
    .addColumn('app_id', 'text', (c) => c.notNull().references('projects.app_id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by_uid', 'text')
    .addColumn('persistent', 'integer', (c) => c.notNull())
    .addColumn('resource_expired_hour', 'integer')
    .addColumn('recording_channel_type', 'integer')
    .addColumn('recording_stream_types', 'integer')
    .addPrimaryKeyConstraint('channels_pk', ['app_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('channels').execute();
  await db.schema.dropTable('projects').execute();
  await db.schema.dropTable('accounts').execute();
}
