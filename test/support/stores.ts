/**
 * A migrated durable store of either kind for service-level tests: a SQLite file in a temporary
 * folder, or a fresh PostgreSQL schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { migrateToLatest, openStore, type Store } from '@parley/server';
import { createPostgresSchema, POSTGRES_URL } from './backends.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['sqlite', 'postgres'];

export interface TestStore {
  store: Store;
  close(): Promise<void>;
}

export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
    const store = openStore({ dataDir });
    await migrateToLatest(store.db);
    return {
      store,
      async close() {
        await store.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const schema = await createPostgresSchema();
  const store = openStore({ dataDir: '', databaseUrl: POSTGRES_URL, postgresSchema: schema.schema });
  await migrateToLatest(store.db);
  return {
    store,
    async close() {
      await store.close();
      await schema.drop();
    },
  };
}

/**
 * Makes the store refuse writes the way an unavailable one does, until the returned function is
 * called: SQLite turns read-only on the store's own connection (SQLITE_READONLY); PostgreSQL
 * fails every write to sessions and webhook deliveries with SQLSTATE 53100 disk_full, raised by
 * a trigger (a real full disk cannot be made on the shared server), aborting the transaction as
 * a full disk does.
 */
export async function refuseWrites(store: Store): Promise<() => Promise<void>> {
  if (store.kind === 'sqlite') {
    await sql`pragma query_only = 1`.execute(store.db);
    return async () => void (await sql`pragma query_only = 0`.execute(store.db));
  }
  await sql`create or replace function parley_test_disk_full() returns trigger language plpgsql as $$
    begin raise exception 'could not extend file: No space left on device' using errcode = 'disk_full'; end $$`.execute(store.db);
  const tables = ['sessions', 'webhook_deliveries'];
  for (const table of tables) {
    await sql.raw(`create trigger parley_test_disk_full before insert or update on ${table} for each statement execute function parley_test_disk_full()`).execute(store.db);
  }
  return async () => {
    for (const table of tables) await sql.raw(`drop trigger parley_test_disk_full on ${table}`).execute(store.db);
  };
}
