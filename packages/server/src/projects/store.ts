/**
 * Queries for accounts and projects.
 */
import type { Db } from '../store/database.ts';
import type { AccountTable, ProjectTable } from '../store/schema.ts';
import { findCredential } from './customerCredentialStore.ts';

export type AccountRow = AccountTable;
export type ProjectRow = ProjectTable;

/** The account that any of its Customer IDs names (see customerCredentialStore.ts). */
export async function findAccountByCustomerId(db: Db, customerId: string): Promise<AccountRow | undefined> {
  return (await findCredential(db, customerId))?.account;
}

export function findAccountById(db: Db, id: string): Promise<AccountRow | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A project by App ID; a deleted one is not found. */
export function findProject(db: Db, appId: string): Promise<ProjectRow | undefined> {
  return db.selectFrom('projects').selectAll().where('app_id', '=', appId).where('deleted_at', 'is', null).executeTakeFirst();
}

export function listProjects(db: Db, accountId?: string): Promise<ProjectRow[]> {
  let query = db.selectFrom('projects').selectAll().where('deleted_at', 'is', null).orderBy('created_at', 'desc').orderBy('app_id');
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  return query.execute();
}

export async function updateProject(db: Db, appId: string, change: { name?: string; status?: 'active' | 'disabled'; testing_mode?: number }): Promise<void> {
  await db.updateTable('projects').set(change).where('app_id', '=', appId).execute();
}

/** The certificate columns, as a rotation step reads and writes them. */
export type CertificateColumns = Pick<ProjectRow, 'app_certificate' | 'app_certificate_created_at' | 'secondary_certificate' | 'secondary_certificate_created_at'>;

/**
 * Writes a project's certificates only if they are still `expected` (stored values are unique:
 * certificates are random and sealing draws a fresh IV), so two rotations racing cannot both apply.
 * False when they were not.
 */
export async function replaceCertificates(db: Db, appId: string, expected: CertificateColumns, next: CertificateColumns): Promise<boolean> {
  let query = db.updateTable('projects').set(next).where('app_id', '=', appId).where('app_certificate', '=', expected.app_certificate);
  query = expected.secondary_certificate === null ? query.where('secondary_certificate', 'is', null) : query.where('secondary_certificate', '=', expected.secondary_certificate);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markProjectDeleted(db: Db, appId: string, at: number): Promise<boolean> {
  const result = await db.updateTable('projects').set({ deleted_at: at }).where('app_id', '=', appId).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function listAccounts(db: Db): Promise<AccountRow[]> {
  return db.selectFrom('accounts').selectAll().orderBy('created_at').execute();
}

export async function countAccounts(db: Db): Promise<number> {
  const row = await db.selectFrom('accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The account made first: the server's operator (see ProjectService.isOperatorAccount). */
export async function firstAccountId(db: Db): Promise<string | undefined> {
  const row = await db.selectFrom('accounts').select('id').orderBy('created_at', 'asc').orderBy('id', 'asc').limit(1).executeTakeFirst();
  return row?.id;
}

export async function insertAccount(db: Db, account: AccountRow): Promise<void> {
  await db.insertInto('accounts').values(account).execute();
}

export async function insertProject(db: Db, project: ProjectRow): Promise<void> {
  await db.insertInto('projects').values(project).execute();
}

export async function getSetting(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('server_settings').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setSetting(db: Db, key: string, value: string): Promise<void> {
  await db
    .insertInto('server_settings')
    .values({ key, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}
