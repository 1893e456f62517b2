/**
 * Migrating beside other schemas that change: Kysely's own introspector read every schema of the
 * database and failed when another one was dropped meanwhile (seen when test files ran side by
 * side); Parley's reads its own schema only.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, POSTGRES_URL } from '../../../../test/support/backends.ts';
import { openStore, type Store } from './database.ts';
import { migrateToLatest } from './migrate.ts';

describe('introspection on PostgreSQL', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function store(): Promise<Store> {
    const schema = await createPostgresSchema();
    const opened = openStore({ dataDir: '', databaseUrl: POSTGRES_URL, postgresSchema: schema.schema });
    cleanups.push(async () => {
      await opened.close();
      await schema.drop();
    });
    return opened;
  }

  it('lists the tables of its own schema only, with their columns', async () => {
    const mine = await store();
    const other = await store();
    await migrateToLatest(mine.db);
    await migrateToLatest(other.db);
    const tables = await mine.db.introspection.getTables({ withInternalKyselyTables: true });
    const schemas = new Set(tables.map((table) => table.schema));
    expect(schemas.size).toBe(1);
    const names = tables.map((table) => table.name);
    expect(names).toEqual(expect.arrayContaining(['projects', 'sessions', 'kysely_migration', 'kysely_migration_lock']));
    const projects = tables.find((table) => table.name === 'projects')!;
    expect(projects.columns.map((column) => column.name)).toEqual(expect.arrayContaining(['app_id', 'secondary_certificate', 'testing_mode']));
    expect(projects.columns.find((column) => column.name === 'app_id')).toMatchObject({ isNullable: false });
  });

  it('migrates while other schemas of the database are dropped and altered', async () => {
    // Other applications keep making and dropping schemas with tables in the same database.
    let churning = true;
    const churns = [1, 2, 3].map(async (churner) => {
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      try {
        for (let i = 0; churning; i++) {
          const name = `parley_churn_${process.pid}_${churner}_${i}`;
          // Each its own transaction, so the others see the schema and its columns come and go.
          await admin.query(`create schema ${name}`);
          await admin.query(`create table ${name}.t (a serial, b text, c text, d text, e text)`);
          await admin.query(`alter table ${name}.t drop column b`);
          await admin.query(`drop schema ${name} cascade`);
        }
      } finally {
        await admin.end();
      }
    });
    try {
      for (let i = 0; i < 25; i++) {
        const fresh = await store();
        expect((await migrateToLatest(fresh.db)).length).toBeGreaterThan(10);
      }
    } finally {
      churning = false;
      await Promise.all(churns);
    }
  }, 60_000);
});
