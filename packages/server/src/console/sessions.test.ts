import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { ConsoleSessions, SESSION_IDLE_MS, SESSION_LIFETIME_MS } from './sessions.ts';
import { ConsoleUsers } from './users.ts';

describe('console sessions', () => {
  let dataDir: string;
  let store: Store;
  let sessions: ConsoleSessions;
  let userId: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-console-'));
    store = openStore({ dataDir });
    await migrateToLatest(store.db);
    await store.db.insertInto('accounts').values({ id: 'a1', customer_id: 'c'.repeat(32), customer_secret_hash: 'x', plan: 'starter', created_at: 0 }).execute();
    userId = (await new ConsoleUsers(store.db).create({ accountId: 'a1', email: 'u@example.com', password: 'long enough password', role: 'admin' })).id;
    sessions = new ConsoleSessions(store.db);
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps only a hash of the session id', async () => {
    const opened = await sessions.open(userId, 'cookie', 1_000);
    const rows = await store.db.selectFrom('console_sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(opened.token);
    expect(await sessions.check(opened.token, 2_000)).toMatchObject({ userId, kind: 'cookie', csrfToken: opened.csrfToken });
  });

  it('ends a session after two idle hours, and activity keeps it alive', async () => {
    const start = 10_000_000;
    const opened = await sessions.open(userId, 'bearer', start);
    expect(await sessions.check(opened.token, start + SESSION_IDLE_MS - 1_000)).toBeDefined();
    // The check above counted as activity.
    expect(await sessions.check(opened.token, start + SESSION_IDLE_MS + 60_000)).toBeDefined();
    expect(await sessions.check(opened.token, start + 3 * SESSION_IDLE_MS)).toBeUndefined();
  });

  it('ends a session after twelve hours however busy', async () => {
    const start = 50_000_000;
    const opened = await sessions.open(userId, 'bearer', start);
    for (let at = start; at < start + SESSION_LIFETIME_MS; at += SESSION_IDLE_MS / 2) expect(await sessions.check(opened.token, at)).toBeDefined();
    expect(await sessions.check(opened.token, start + SESSION_LIFETIME_MS)).toBeUndefined();
  });

  it('ends at sign-out and refuses ids it never made', async () => {
    const opened = await sessions.open(userId, 'cookie');
    await sessions.close(opened.token);
    expect(await sessions.check(opened.token)).toBeUndefined();
    for (const invented of ['', 'pcs_', `pcs_${'A'.repeat(43)}`, 'x'.repeat(5000)]) expect(await sessions.check(invented)).toBeUndefined();
  });
});
