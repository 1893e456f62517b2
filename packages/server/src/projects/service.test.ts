/**
 * Accounts and projects on both durable stores: credentials are made right, secrets never stored,
 * certificates encrypted at rest when a key is set.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresSchema, POSTGRES_URL } from '../../../../test/support/backends.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import * as secondaryCertificate from '../store/migrations/012_secondary_certificate.ts';
import * as projectTestingMode from '../store/migrations/015_project_testing_mode.ts';
import { ProjectService, UnknownCustomerError } from './service.ts';
import * as projectStore from './store.ts';

type Opened = { store: Store; cleanup: () => Promise<void> };

const STORES: Record<'sqlite' | 'postgres', () => Promise<Opened>> = {
  sqlite: async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-store-'));
    const store = openStore({ dataDir });
    return { store, cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  },
  postgres: async () => {
    const schema = await createPostgresSchema();
    const store = openStore({ dataDir: '', databaseUrl: POSTGRES_URL, postgresSchema: schema.schema });
    return { store, cleanup: schema.drop };
  },
};

describe.each(Object.keys(STORES) as Array<keyof typeof STORES>)('ProjectService on %s', (kind) => {
  let opened: Opened | undefined;
  afterEach(async () => {
    await opened?.store.close();
    await opened?.cleanup();
    opened = undefined;
  });

  async function open(): Promise<Store> {
    opened = await STORES[kind]();
    await migrateToLatest(opened.store.db);
    return opened.store;
  }

  it('makes 32-hex credentials and stores the Customer Secret only as a hash', async () => {
    const store = await open();
    const projects = new ProjectService(store.db, undefined);
    const created = await projects.createProject({ name: 'Shop', plan: 'pro' });
    for (const value of [created.appId, created.appCertificate, created.customerId, created.customerSecret]) expect(value).toMatch(/^[0-9a-f]{32}$/);
    const rows = JSON.stringify(await store.db.selectFrom('accounts').selectAll().execute());
    expect(rows).not.toContain(created.customerSecret);
    expect(await projects.authenticateCustomer(created.customerId, created.customerSecret!)).toMatchObject({ customerId: created.customerId, plan: 'pro' });
    expect(await projects.authenticateCustomer(created.customerId, created.appCertificate)).toBeUndefined();
    expect(await projects.authenticateCustomer('0'.repeat(32), created.customerSecret!)).toBeUndefined();
    expect(await projects.authenticateCustomer(created.customerId, '')).toBeUndefined();
  });

  it('adds projects to an existing account and refuses an unknown one without writing anything', async () => {
    const store = await open();
    const projects = new ProjectService(store.db, undefined);
    const first = await projects.createProject({ name: 'A' });
    const second = await projects.createProject({ name: 'B', customerId: first.customerId });
    expect(second.customerSecret).toBeUndefined();
    expect((await projects.findProject(second.appId))?.accountId).toBe((await projects.findProject(first.appId))?.accountId);
    await expect(projects.createProject({ name: 'C', customerId: 'f'.repeat(32) })).rejects.toBeInstanceOf(UnknownCustomerError);
    expect(await store.db.selectFrom('projects').select('name').orderBy('name').execute()).toEqual([{ name: 'A' }, { name: 'B' }]);
  });

  it('encrypts App Certificates at rest when a secret key is set, and reads them back', async () => {
    const store = await open();
    const sealed = new ProjectService(store.db, 'correct horse battery staple');
    const created = await sealed.createProject({ name: 'Sealed' });
    const row = await store.db.selectFrom('projects').select('app_certificate').where('app_id', '=', created.appId).executeTakeFirstOrThrow();
    expect(row.app_certificate).toMatch(/^v1:/);
    expect(row.app_certificate).not.toContain(created.appCertificate);
    expect(await sealed.findCertificate(created.appId)).toBe(created.appCertificate);

    await expect(new ProjectService(store.db, 'wrong key').findCertificate(created.appId)).rejects.toThrow();
    await expect(new ProjectService(store.db, undefined).findCertificate(created.appId)).rejects.toThrow(/PARLEY_SECRET_KEY/);

    // Projects made before a key was set stay readable after it is.
    const plain = await new ProjectService(store.db, undefined).createProject({ name: 'Plain' });
    expect(await sealed.findCertificate(plain.appId)).toBe(plain.appCertificate);
  });

  it('rotates certificates: a secondary beside the primary, promoted, then deleted; sealed at rest', async () => {
    const store = await open();
    const projects = new ProjectService(store.db, 'correct horse battery staple');
    const created = await projects.createProject({ name: 'Rotating' });
    const before = await projects.certificates(created.appId);
    expect(before).toEqual({ primary: { value: created.appCertificate, createdAt: expect.any(Number) }, secondary: undefined });

    const secondary = await projects.enableSecondaryCertificate(created.appId, before!.primary.createdAt + 1000);
    expect(secondary.value).toMatch(/^[0-9a-f]{32}$/);
    const row = await store.db.selectFrom('projects').select('secondary_certificate').where('app_id', '=', created.appId).executeTakeFirstOrThrow();
    expect(row.secondary_certificate).toMatch(/^v1:/);
    expect(row.secondary_certificate).not.toContain(secondary.value);
    expect(await projects.findCertificates(created.appId)).toEqual([created.appCertificate, secondary.value]);
    await expect(projects.enableSecondaryCertificate(created.appId)).rejects.toMatchObject({ kind: 'conflict', field: 'slot' });

    const promoted = await projects.promoteSecondaryCertificate(created.appId);
    expect(promoted).toEqual({ primary: secondary, secondary: before!.primary });
    expect(await projects.findCertificate(created.appId)).toBe(secondary.value);
    expect(await projects.findCertificates(created.appId)).toEqual([secondary.value, created.appCertificate]);

    expect(await projects.deleteSecondaryCertificate(created.appId)).toEqual({ primary: secondary, secondary: undefined });
    expect(await projects.findCertificates(created.appId)).toEqual([secondary.value]);
    for (const step of [() => projects.promoteSecondaryCertificate(created.appId), () => projects.deleteSecondaryCertificate(created.appId)]) {
      await expect(step()).rejects.toMatchObject({ kind: 'conflict', message: expect.stringMatching(/no secondary certificate/) });
    }
  });

  it('writes a rotation only over the certificates it read: one from a stale read changes nothing', async () => {
    const store = await open();
    const projects = new ProjectService(store.db, undefined);
    const created = await projects.createProject({ name: 'Racing' });
    const secondary = await projects.enableSecondaryCertificate(created.appId);
    const read = () => store.db.selectFrom('projects').select(['app_certificate', 'app_certificate_created_at', 'secondary_certificate', 'secondary_certificate_created_at']).where('app_id', '=', created.appId).executeTakeFirstOrThrow();
    const stale = await read();
    await projects.promoteSecondaryCertificate(created.appId);
    const swapped = { ...stale, app_certificate: stale.secondary_certificate!, secondary_certificate: stale.app_certificate };
    expect(await projectStore.replaceCertificates(store.db, created.appId, stale, swapped)).toBe(false);
    expect(await read()).toMatchObject({ app_certificate: secondary.value, secondary_certificate: created.appCertificate });
  });

  it('gives an existing project\'s primary certificate the project\'s creation time when migrating', async () => {
    const store = await open();
    const created = await new ProjectService(store.db, undefined).createProject({ name: 'Older' });
    // Migrations are written over no schema type.
    const schemaless = store.db as unknown as Kysely<unknown>;
    await secondaryCertificate.down(schemaless);
    await store.db.updateTable('projects').set({ created_at: 1_700_000_000_000 }).where('app_id', '=', created.appId).execute();
    await secondaryCertificate.up(schemaless);
    const certificates = await new ProjectService(store.db, undefined).certificates(created.appId);
    expect(certificates).toEqual({ primary: { value: created.appCertificate, createdAt: 1_700_000_000_000 }, secondary: undefined });
  });

  it('keeps testing mode off for new and migrated projects, and stores the owner\'s switch', async () => {
    const store = await open();
    const projects = new ProjectService(store.db, undefined);
    const created = await projects.createProject({ name: 'Sandbox' });
    // A project made before the column existed reads as off (migration 015's default).
    const schemaless = store.db as unknown as Kysely<unknown>;
    await projectTestingMode.down(schemaless);
    await projectTestingMode.up(schemaless);
    expect((await projects.findProject(created.appId))?.testingMode).toBe(false);
    await projects.updateProject(created.appId, { testingMode: true });
    expect((await projects.findProject(created.appId))?.testingMode).toBe(true);
    expect((await new ProjectService(store.db, undefined).listProjects())[0]).toMatchObject({ appId: created.appId, testingMode: true });
    await projects.updateProject(created.appId, { name: 'Renamed' });
    expect((await projects.findProject(created.appId))?.testingMode).toBe(true);
    await projects.updateProject(created.appId, { testingMode: false });
    expect((await new ProjectService(store.db, undefined).findProject(created.appId))?.testingMode).toBe(false);
  });

  it('migrates once: a second run applies nothing', async () => {
    const store = await open();
    expect(await migrateToLatest(store.db)).toEqual([]);
  });
});
