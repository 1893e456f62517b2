/**
 * A prepared query answers as the query built afresh would, call after call, with each call's
 * values in their slots and the query's own fixed values kept.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import { openStore, type Store } from './database.ts';
import { preparedQuery } from './preparedQuery.ts';

type NotesDb = Kysely<{ notes: { owner: string; topic: string; rank: number } }>;

describe('preparedQuery', () => {
  let dataDir: string;
  let store: Store;
  let db: NotesDb;
  beforeEach(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-prepared-'));
    store = openStore({ dataDir });
    db = store.db as unknown as NotesDb;
    await sql`create table notes (owner text not null, topic text not null, rank integer not null)`.execute(db);
    await sql`insert into notes values ('a', 'x', 1), ('a', 'x', 9), ('a', 'y', 2), ('b', 'x', 3)`.execute(db);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('fills each call\'s values into their slots and keeps fixed values', async () => {
    // `rank < 5` is written into the query: it must stay 5 whatever the values are.
    const notes = preparedQuery((d: NotesDb, { topic, owner }: { topic: string; owner: string }) =>
      d.selectFrom('notes').select(['owner', 'topic', 'rank']).where('owner', '=', owner).where('topic', '=', topic).where('rank', '<', 5),
    );
    expect(await notes(db, { owner: 'a', topic: 'x' })).toEqual([{ owner: 'a', topic: 'x', rank: 1 }]);
    expect(await notes(db, { owner: 'b', topic: 'x' })).toEqual([{ owner: 'b', topic: 'x', rank: 3 }]);
    expect(await notes(db, { owner: 'a', topic: 'y' })).toEqual([{ owner: 'a', topic: 'y', rank: 2 }]);
    expect(await notes(db, { owner: 'c', topic: 'x' })).toEqual([]);
  });

  it('refuses a query that leaves one of its values out', async () => {
    const broken = preparedQuery((d: NotesDb, _values: { owner: string }) => d.selectFrom('notes').selectAll());
    await expect(broken(db, { owner: 'a' })).rejects.toThrow('does not use its value "owner"');
  });
});
