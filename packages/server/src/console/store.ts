/**
 * Queries for console users and their sessions.
 */
import type { Db } from '../store/database.ts';
import type { ConsoleSessionTable, ConsoleUserTable } from '../store/schema.ts';

export type UserRow = ConsoleUserTable;
export type SessionRow = ConsoleSessionTable;

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('console_users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('console_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listUsers(db: Db, accountId?: string): Promise<UserRow[]> {
  let query = db.selectFrom('console_users').selectAll().orderBy('created_at').orderBy('email');
  if (accountId !== undefined) query = query.where('account_id', '=', accountId);
  return query.execute();
}

export async function insertUser(db: Db, row: UserRow): Promise<void> {
  await db.insertInto('console_users').values(row).execute();
}

export async function setPassword(db: Db, id: string, passwordHash: string, now: number): Promise<void> {
  await db.updateTable('console_users').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', id).execute();
}

export async function setRole(db: Db, id: string, role: UserRow['role'], now: number): Promise<void> {
  await db.updateTable('console_users').set({ role, updated_at: now }).where('id', '=', id).execute();
}

export async function deleteUser(db: Db, id: string): Promise<void> {
  await db.deleteFrom('console_users').where('id', '=', id).execute();
}

export async function countOwners(db: Db, accountId: string): Promise<number> {
  const row = await db.selectFrom('console_users').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).where('role', '=', 'owner').executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertSession(db: Db, row: SessionRow): Promise<void> {
  await db.insertInto('console_sessions').values(row).execute();
}

export function findSession(db: Db, idHash: string): Promise<SessionRow | undefined> {
  return db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchSession(db: Db, idHash: string, now: number): Promise<void> {
  await db.updateTable('console_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteSessionsOf(db: Db, userId: string): Promise<void> {
  await db.deleteFrom('console_sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('console_sessions').where('expires_at', '<=', now).execute();
}
