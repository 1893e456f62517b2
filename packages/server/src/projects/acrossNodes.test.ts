/**
 * Two nodes' ProjectServices on one PostgreSQL and one Redis, each with its own tracked reads, as
 * two servers of a scale-out: what one node changes (a deleted Customer ID/Secret pair, a rotated
 * certificate, a deleted project) stops being served by the other as soon as Redis tells it,
 * though its cached copy would live a minute.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresSchema, POSTGRES_URL, REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { RedisGenerations } from '../live/redisGenerations.ts';
import { TrackedReads } from '../live/trackedReads.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { ProjectService, type CreatedProject } from './service.ts';

/** Well under the caches' minute: only an invalidation explains a change seen this soon. */
const SEEN_WITHIN_MS = 1_000;

describe('accounts and projects changed through one node, as the other node sees them', () => {
  let store: Store;
  let dropSchema: () => Promise<void>;
  const redis = new Redis(REDIS_URL);
  const reads: TrackedReads[] = [];
  let a: ProjectService;
  let b: ProjectService;
  let created: CreatedProject;

  beforeAll(async () => {
    const schema = await createPostgresSchema();
    dropSchema = schema.drop;
    store = openStore({ dataDir: '', databaseUrl: POSTGRES_URL, postgresSchema: schema.schema });
    await migrateToLatest(store.db);
    const prefix = `${uniqueName('nodes')}:`;
    reads.push(await TrackedReads.open(REDIS_URL, {}), await TrackedReads.open(REDIS_URL, {}));
    [a, b] = reads.map((tracked) => new ProjectService(store.db, undefined, new RedisGenerations(redis, tracked, prefix))) as [ProjectService, ProjectService];
    created = await a.createProject({ name: 'Shared', plan: 'pro' });
  });

  afterAll(async () => {
    await Promise.all(reads.map((tracked) => tracked.close()));
    await redis.quit();
    await store?.close();
    await dropSchema?.();
  });

  it('refuses a deleted Customer ID/Secret pair on the other node at once', async () => {
    const account = await a.authenticateCustomer(created.customerId, created.customerSecret!);
    const pair = await a.createCustomerCredential(account!.id);
    expect(await b.authenticateCustomer(pair.customerId, pair.customerSecret)).toMatchObject({ id: account!.id });

    await a.deleteCustomerCredential(account!.id, pair.customerId);
    expect(await a.authenticateCustomer(pair.customerId, pair.customerSecret)).toBeUndefined();
    await expect.poll(() => b.authenticateCustomer(pair.customerId, pair.customerSecret), { timeout: SEEN_WITHIN_MS }).toBeUndefined();
    // The account's other pair still works everywhere.
    expect(await b.authenticateCustomer(created.customerId, created.customerSecret!)).toMatchObject({ id: account!.id });
  });

  it('verifies tokens of a new secondary certificate on the other node at once, and stops when it is deleted', async () => {
    expect(await b.findCertificates(created.appId)).toEqual([created.appCertificate]);
    const secondary = await a.enableSecondaryCertificate(created.appId);
    await expect.poll(() => b.findCertificates(created.appId), { timeout: SEEN_WITHIN_MS }).toEqual([created.appCertificate, secondary.value]);
    await a.deleteSecondaryCertificate(created.appId);
    await expect.poll(() => b.findCertificates(created.appId), { timeout: SEEN_WITHIN_MS }).toEqual([created.appCertificate]);
  });

  it('finds a deleted project on neither node', async () => {
    expect(await b.findProject(created.appId)).toMatchObject({ appId: created.appId });
    await a.deleteProject(created.appId);
    expect(await a.findProject(created.appId)).toBeUndefined();
    await expect.poll(() => b.findProject(created.appId), { timeout: SEEN_WITHIN_MS }).toBeUndefined();
  });
});
