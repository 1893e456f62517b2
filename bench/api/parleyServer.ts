/**
 * The server under test of the API benchmark: a real Parley server in its own process, started by
 * run.ts, so the load generator never shares its event loop. Its backends come from the first
 * argument: `sqlite` (default; SQLite in a temporary data dir, in-memory live state: the
 * single-node default) or `postgres` (a fresh schema in PostgreSQL and Redis under a key prefix of
 * its own, as a scaled-out node runs; both removed on exit). Addresses: BENCH_DATABASE_URL and
 * BENCH_REDIS_URL, defaulting to the local ones the tests use.
 *
 * It speaks serverProtocol.ts. Its accounts are new enterprise accounts with one project each
 * (run.ts spreads the load over them so that no account reaches its plan's rate limit, which still
 * runs on every request); when it stops, the data dir (or schema and keys) is removed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, startServer } from '@parley/server';
import { answerBenchProtocol, type BenchAccount } from './serverProtocol.ts';

export type BenchStore = 'sqlite' | 'postgres';

const store: BenchStore = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = randomBytes(6).toString('hex');
// A schema and a key prefix of this run's own: nothing another run or a test left can count.
const pgSchema = store === 'postgres' ? `parley_bench_${runId}` : undefined;
const redisPrefix = `parley-bench-${runId}:`;

async function onPostgres(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Deletes this run's Redis keys (rate windows, participants), found by their prefix. */
async function dropRedisKeys(): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
if (pgSchema) await onPostgres(`create schema ${pgSchema}`);
// warn, not info: request logging would be part of a production setup, but at info every
// request writes a line to a pipe nobody reads, measuring the pipe rather than the API.
const config = loadConfig({
  PARLEY_HOST: '127.0.0.1',
  PARLEY_PORT: '0',
  PARLEY_DATA_DIR: dataDir,
  PARLEY_LOG_LEVEL: 'warn',
  PARLEY_RTC_UDP_PORT: '0',
  ...(store === 'postgres' ? { PARLEY_DATABASE_URL: databaseUrl, PARLEY_REDIS_URL: redisUrl, PARLEY_REDIS_PREFIX: redisPrefix } : {}),
});
const server = await startServer(config, { bootstrap: false, ...(pgSchema ? { postgresSchema: pgSchema } : {}) });

async function createAccounts(count: number): Promise<BenchAccount[]> {
  const accounts: BenchAccount[] = [];
  // One at a time: SQLite serialises the transactions anyway, and this happens before measuring.
  for (let i = 0; i < count; i++) {
    const created = await server.services.projects.createProject({ name: `bench-${i}`, plan: 'enterprise' });
    if (!created.customerSecret) throw new Error('a new account came back without its Customer Secret');
    accounts.push({ appId: created.appId, customerId: created.customerId, customerSecret: created.customerSecret });
  }
  return accounts;
}

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await server.close();
    if (pgSchema) await onPostgres(`drop schema if exists ${pgSchema} cascade`);
    if (store === 'postgres') await dropRedisKeys();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  }
}

answerBenchProtocol({ ready: { url: server.url, store }, createAccounts, stop: shutdown });
