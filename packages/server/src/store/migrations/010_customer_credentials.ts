/**
 * An account may hold several Customer ID/Secret pairs (one per backend service, so one can be
 * revoked without the others), as Agora's console allows. Each account's existing pair becomes
 * its first; `accounts.customer_id` stays as the account's own id (the one it was created with).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customer_credentials')
    .addColumn('customer_id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('customer_credentials_account').on('customer_credentials').columns(['account_id', 'created_at']).execute();
  await sql`insert into customer_credentials (customer_id, account_id, secret_hash, created_at) select customer_id, id, customer_secret_hash, created_at from accounts`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_credentials').execute();
}
