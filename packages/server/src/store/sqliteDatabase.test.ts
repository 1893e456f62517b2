/**
 * The node:sqlite adapter under a full database: SQLite rolls a transaction back by itself on
 * SQLITE_FULL, and the adapter must let the real error surface (not Kysely's failed ROLLBACK) and
 * keep the connection usable. `max_page_count` makes SQLite answer SQLITE_FULL exactly as a full
 * disk does, without needing a small file system.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openStore, type Store } from './database.ts';

describe('SQLite adapter on a full database', () => {
  let dataDir: string;
  let store: Store;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sqlite-full-'));
    store = openStore({ dataDir });
    await sql`create table notes (id integer primary key, body text not null)`.execute(store.db);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const fill = async () => {
    const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(store.db);
    await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(store.db);
  };
  const writeTwoNotes = () =>
    store.db.transaction().execute(async (trx) => {
      await trx.insertInto('notes' as never).values({ body: 'a'.repeat(20_000) } as never).execute();
      await trx.insertInto('notes' as never).values({ body: 'b'.repeat(20_000) } as never).execute();
    });

  it('surfaces SQLITE_FULL from a transaction SQLite rolled back itself, not the failed ROLLBACK', async () => {
    await fill();
    const failure = await writeTwoNotes().then(() => undefined, (error: unknown) => error as { message: string; errcode?: number });
    expect(failure?.message).toBe('database or disk is full');
    expect(failure?.errcode).toBe(13);
  });

  it('keeps the connection usable: the next transaction commits once there is room', async () => {
    await fill();
    await expect(writeTwoNotes()).rejects.toThrow('database or disk is full');
    await expect(writeTwoNotes()).rejects.toThrow('database or disk is full');
    await sql`pragma max_page_count = 1000000`.execute(store.db);
    await writeTwoNotes();
    const { rows } = await sql<{ n: number }>`select count(*) as n from notes`.execute(store.db);
    expect(rows[0]!.n).toBe(2);
  });
});
