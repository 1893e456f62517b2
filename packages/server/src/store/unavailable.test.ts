/**
 * The failures that make the store "unavailable" (503, not ready, retried) are told apart from
 * requests that are wrong and from bugs, on real errors of both stores where they can be made.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from './database.ts';
import { isStoreUnavailable } from './unavailable.ts';

const failureOf = (promise: Promise<unknown>) => promise.then(() => expect.unreachable('the query succeeded'), (error: unknown) => error);

describe('isStoreUnavailable on SQLite', () => {
  let dataDir: string;
  let store: Store;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-unavailable-'));
    store = openStore({ dataDir });
    await sql`create table notes (id integer primary key, body text not null unique)`.execute(store.db);
    await sql`insert into notes (body) values ('x')`.execute(store.db);
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('counts a full database (SQLITE_FULL) as unavailable', async () => {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(store.db);
    const error = await failureOf(sql`insert into notes (body) values (${'y'.repeat(50_000)})`.execute(store.db));
    await sql`pragma max_page_count = 1000000`.execute(store.db);
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it('counts a read-only database (SQLITE_READONLY) as unavailable', async () => {
    await sql`pragma query_only = 1`.execute(store.db);
    const error = await failureOf(sql`insert into notes (body) values ('z')`.execute(store.db));
    await sql`pragma query_only = 0`.execute(store.db);
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it('does not count a constraint violation or a bad query: those are the request\'s or a bug', async () => {
    expect(isStoreUnavailable(await failureOf(sql`insert into notes (body) values ('x')`.execute(store.db)))).toBe(false);
    expect(isStoreUnavailable(await failureOf(sql`select nope from notes`.execute(store.db)))).toBe(false);
    expect(isStoreUnavailable(new Error('database or disk is full'))).toBe(false);
  });
});

describe('isStoreUnavailable on PostgreSQL', () => {
  it('counts a refused connection as unavailable', async () => {
    const store = openStore({ dataDir: '', databaseUrl: 'postgres://postgres@127.0.0.1:1/test' });
    const error = await failureOf(sql`select 1`.execute(store.db));
    await store.close();
    expect(isStoreUnavailable(error)).toBe(true);
  });

  it('counts disk_full (53100), a standby (25006) and a terminated backend (57P01) as unavailable, a unique violation (23505) not', async () => {
    // A full PostgreSQL disk cannot be made here; these are the fields pg's DatabaseError carries.
    for (const code of ['53100', '25006', '57P01', '08006']) expect(isStoreUnavailable(Object.assign(new Error('x'), { code }))).toBe(true);
    expect(isStoreUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  });
});
