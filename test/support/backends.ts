/**
 * The store and live-state backends every API test runs against: the embedded default
 * (SQLite file + memory) and scale-out (PostgreSQL + Redis on 127.0.0.1).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type Backend = { name: string; store: 'sqlite' | 'postgres'; live: 'memory' | 'redis' };

export const BACKENDS: Backend[] = [
  { name: 'sqlite + memory', store: 'sqlite', live: 'memory' },
  { name: 'postgres + redis', store: 'postgres', live: 'redis' },
];

export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** A fresh PostgreSQL schema, so parallel test files never see each other's rows. */
export async function createPostgresSchema(): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = uniqueName('parley_test');
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: POSTGRES_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}
