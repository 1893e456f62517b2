/**
 * Migrations that landed out of number order: a database that already ran a later-numbered one
 * (012, 013 came to main before 010, 011) still takes the earlier ones at its next start, and each
 * does its own work (010 makes every account's Customer ID/Secret its first pair).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './database.ts';
import { migrateToLatest } from './migrate.ts';

describe('migrations out of number order', () => {
  let dataDir: string;
  let store: Store;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-migrate-'));
    store = openStore({ dataDir });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies an earlier-numbered migration after later ones ran', async () => {
    await migrateToLatest(store.db);
    // As a database that ran 012-014 before 010 existed: undo 010 and forget it ran.
    await store.db.schema.dropTable('customer_credentials').execute();
    await sql`delete from kysely_migration where name = '010_customer_credentials'`.execute(store.db);
    await store.db.insertInto('accounts').values({ id: 'a1', customer_id: 'c'.repeat(32), customer_secret_hash: 'h'.repeat(64), plan: 'pro', created_at: 5 }).execute();

    expect(await migrateToLatest(store.db)).toEqual(['010_customer_credentials']);
    const pairs = await store.db.selectFrom('customer_credentials').selectAll().execute();
    expect(pairs).toEqual([{ customer_id: 'c'.repeat(32), account_id: 'a1', secret_hash: 'h'.repeat(64), created_at: 5, last_used_at: null }]);
    expect(await migrateToLatest(store.db)).toEqual([]);
  });
});
