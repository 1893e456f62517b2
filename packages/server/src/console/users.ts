/**
 * Console users: creating them in an account with a role, changing passwords, and checking a
 * sign-in. Emails are compared trimmed and lowercased; an unknown email costs as long to refuse as
 * a wrong password, so answers do not tell which emails exist.
 */
import { randomUUID } from 'node:crypto';
import type { ConsoleRole } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import type { Db } from '../store/database.ts';
import { hashPassword, passwordProblem, UNUSABLE_HASH, verifyPassword } from './passwords.ts';
import * as store from './store.ts';

export interface ConsoleUser {
  id: string;
  accountId: string;
  email: string;
  role: ConsoleRole;
  createdAt: number;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}$/;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function toUser(row: store.UserRow): ConsoleUser {
  return { id: row.id, accountId: row.account_id, email: row.email, role: row.role, createdAt: Number(row.created_at) };
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new DomainError('invalid_parameter', `The password ${problem}`, 'password');
}

export class ConsoleUsers {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(input: { accountId: string; email: string; password: string; role: ConsoleRole }, now = Date.now()): Promise<ConsoleUser> {
    const email = normalizeEmail(input.email);
    if (!EMAIL.test(email)) throw new DomainError('invalid_parameter', 'is not an email address', 'email');
    checkPassword(input.password);
    if (await store.findUserByEmail(this.#db, email)) throw new DomainError('conflict', `A console user with the email ${email} exists`, 'email');
    const row: store.UserRow = {
      id: randomUUID(),
      account_id: input.accountId,
      email,
      password_hash: await hashPassword(input.password),
      role: input.role,
      created_at: now,
      updated_at: now,
    };
    await store.insertUser(this.#db, row);
    return toUser(row);
  }

  async list(accountId?: string): Promise<ConsoleUser[]> {
    return (await store.listUsers(this.#db, accountId)).map(toUser);
  }

  async find(id: string): Promise<ConsoleUser | undefined> {
    const row = await store.findUserById(this.#db, id);
    return row && toUser(row);
  }

  async findByEmail(email: string): Promise<ConsoleUser | undefined> {
    const row = await store.findUserByEmail(this.#db, normalizeEmail(email));
    return row && toUser(row);
  }

  /** The user these credentials name, or undefined; takes as long for an unknown email. */
  async authenticate(email: string, password: string): Promise<ConsoleUser | undefined> {
    const row = await store.findUserByEmail(this.#db, normalizeEmail(email));
    const matches = await verifyPassword(password, row?.password_hash ?? UNUSABLE_HASH);
    return row && matches ? toUser(row) : undefined;
  }

  /** Changes a member's role; an account always keeps an owner. A demoted user's sessions carry the new role at once. */
  async setRole(accountId: string, id: string, role: ConsoleRole, now = Date.now()): Promise<ConsoleUser> {
    return this.#db.transaction().execute(async (trx) => {
      const row = await store.findUserById(trx, id);
      if (!row || row.account_id !== accountId) throw new DomainError('not_found', 'No such member in your account', 'userId');
      if (row.role === 'owner' && role !== 'owner' && (await store.countOwners(trx, accountId)) <= 1) {
        throw new DomainError('conflict', 'The account must keep an owner; make someone else owner first', 'role');
      }
      await store.setRole(trx, id, role, now);
      return toUser({ ...row, role });
    });
  }

  /** Removes a member; their sessions end with them. An account always keeps an owner. */
  async remove(accountId: string, id: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const row = await store.findUserById(trx, id);
      if (!row || row.account_id !== accountId) throw new DomainError('not_found', 'No such member in your account', 'userId');
      if (row.role === 'owner' && (await store.countOwners(trx, accountId)) <= 1) throw new DomainError('conflict', 'The account\'s last owner cannot be removed', 'userId');
      await store.deleteSessionsOf(trx, id);
      await store.deleteUser(trx, id);
    });
  }

  /** Sets a new password and ends every session of the user. */
  async setPassword(email: string, password: string, now = Date.now()): Promise<ConsoleUser> {
    checkPassword(password);
    const row = await store.findUserByEmail(this.#db, normalizeEmail(email));
    if (!row) throw new DomainError('not_found', `No console user has the email ${normalizeEmail(email)}`, 'email');
    const passwordHash = await hashPassword(password);
    await this.#db.transaction().execute(async (trx) => {
      await store.setPassword(trx, row.id, passwordHash, now);
      await store.deleteSessionsOf(trx, row.id);
    });
    return toUser(row);
  }
}
