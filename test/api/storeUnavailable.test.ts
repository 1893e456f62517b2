/**
 * A store that cannot write (here SQLite made read-only on the server's own connection, as a disk
 * remounted read-only does; the full-disk case is test/abuse/fullDisk.test.ts): /readyz is
 * unready, REST writes answer 503 in the error envelope, Agora routes 503 in Agora's shape, and
 * all is well again once the store can write.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import type { CreatedProject } from '@parley/server';

describe('a store that cannot write', () => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  const setWritable = async (writable: boolean) => void (await sql.raw(`pragma query_only = ${writable ? 0 : 1}`).execute(t.server.services.store.db));

  beforeAll(async () => {
    t = await startTestServer(BACKENDS.find((b) => b.store === 'sqlite')!);
    project = await t.createProject('pro');
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(async () => {
    await setWritable(true);
    await t.stop();
  });

  it('turns /readyz unready (503 in the envelope) while the store cannot write, and ready again after', async () => {
    expect((await call(t.url, 'GET', '/readyz')).status).toBe(200);
    await setWritable(false);
    // The write probe runs at most once a second.
    await expect.poll(async () => (await call(t.url, 'GET', '/readyz')).status, { timeout: 3_000 }).toBe(503);
    expect((await call(t.url, 'GET', '/readyz')).body).toEqual({ code: 503, message: 'Service unavailable', details: { reason: expect.stringMatching(/cannot write/) } });
    await setWritable(true);
    await expect.poll(async () => (await call(t.url, 'GET', '/readyz')).status, { timeout: 3_000 }).toBe(200);
  });

  it('answers channel writes 503 in the envelope, with Retry-After, and 200 once it can write again', async () => {
    await setWritable(false);
    const refused = await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'studio' } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ code: 503, message: 'Service unavailable', details: { reason: expect.stringMatching(/cannot write/) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await setWritable(true);
    expect((await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'studio' } })).status).toBe(200);
  });

  it('answers a kick with a ban (a ban rule write) 503 in the envelope', async () => {
    await setWritable(false);
    const refused = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/studio/users/7/kick`, { auth, body: { banSeconds: 60 } });
    await setWritable(true);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 503, message: 'Service unavailable' });
  });

  it('answers an Agora kicking-rule write 503 in Agora\'s shape', async () => {
    await setWritable(false);
    const refused = await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: project.appId, uid: 42, privileges: ['join_channel'], time: 10 } });
    await setWritable(true);
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ message: expect.stringMatching(/cannot write/) });
    expect(refused.headers.get('retry-after')).toBe('5');
  });
});
