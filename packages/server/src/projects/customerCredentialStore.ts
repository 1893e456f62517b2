/**
 * Queries for an account's Customer ID/Secret pairs (RESTful API credentials).
 */
import type { Db } from '../store/database.ts';
import type { AccountTable, CustomerCredentialTable } from '../store/schema.ts';

export type CustomerCredentialRow = CustomerCredentialTable;

/** The credential with this Customer ID and the account it opens, if any. */
export async function findCredential(db: Db, customerId: string): Promise<{ credential: CustomerCredentialRow; account: AccountTable } | undefined> {
  const row = await db
    .selectFrom('customer_credentials as c')
    .innerJoin('accounts as a', 'a.id', 'c.account_id')
    .select(['c.customer_id', 'c.account_id', 'c.secret_hash', 'c.created_at', 'c.last_used_at', 'a.id', 'a.customer_id as account_customer_id', 'a.customer_secret_hash', 'a.plan', 'a.created_at as account_created_at'])
    .where('c.customer_id', '=', customerId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    credential: { customer_id: row.customer_id, account_id: row.account_id, secret_hash: row.secret_hash, created_at: Number(row.created_at), last_used_at: row.last_used_at === null ? null : Number(row.last_used_at) },
    account: { id: row.id, customer_id: row.account_customer_id, customer_secret_hash: row.customer_secret_hash, plan: row.plan, created_at: Number(row.account_created_at) },
  };
}

export function listCredentials(db: Db, accountId: string): Promise<CustomerCredentialRow[]> {
  return db.selectFrom('customer_credentials').selectAll().where('account_id', '=', accountId).orderBy('created_at').orderBy('customer_id').execute();
}

export async function insertCredential(db: Db, row: CustomerCredentialRow): Promise<void> {
  await db.insertInto('customer_credentials').values(row).execute();
}

export async function deleteCredential(db: Db, accountId: string, customerId: string): Promise<boolean> {
  const result = await db.deleteFrom('customer_credentials').where('account_id', '=', accountId).where('customer_id', '=', customerId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function touchCredential(db: Db, customerId: string, at: number): Promise<void> {
  await db.updateTable('customer_credentials').set({ last_used_at: at }).where('customer_id', '=', customerId).execute();
}
