/**
 * A migrated durable store of either kind for service-level tests: a SQLite file in a temporary
 * folder, or a fresh PostgreSQL schema.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../packages/server/src/store/database.ts';
import { migrateToLatest } from '../../packages/server/src/store/migrate.ts';
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
