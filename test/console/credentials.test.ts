/**
 * Several Customer ID/Secret pairs per account, made and deleted from the console, against a real
 * server on both backends: a new pair works for HTTP Basic on v1 and Agora's routes at once and
 * stops at once when deleted; the account keeps its last pair; a secret is shown once and never
 * listed; viewers list but cannot change; bad requests answer with the field at fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { startConsoleFixture, type ConsoleFixture, type SignedInUser } from '../support/consoleUsers.ts';
import { basic, call, type TestServer } from '../support/server.ts';

const CREDENTIALS = '/v1/console/account/credentials';
const HEX32 = /^[0-9a-f]{32}$/;

describe.each(BACKENDS)('RESTful API credentials on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let owner: SignedInUser;
  let viewer: SignedInUser;
  let as: ConsoleFixture['as'];

  beforeAll(async () => {
    ({ t, project, owner, viewer, as } = await startConsoleFixture(backend));
  });
  afterAll(() => t.stop());

  const createChannel = (auth: string, channel: string) => call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel } });

  it('starts with the account\'s first pair, and lists when each was last used, never a secret', async () => {
    expect((await createChannel(basic(project.customerId, project.customerSecret!), 'first-pair')).status).toBe(200);
    const listed = await as(viewer, 'GET', CREDENTIALS);
    expect(listed.status).toBe(200);
    expect(listed.body.data.credentials).toEqual([{ customerId: project.customerId, createdAt: expect.any(String), lastUsedAt: expect.any(String) }]);
    expect(JSON.stringify(listed.body)).not.toContain(project.customerSecret);
  });

  it('makes a pair that works for v1 and Agora\'s routes at once, and refuses it at once when deleted', async () => {
    const created = await as(owner, 'POST', CREDENTIALS, {});
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const { customerId, customerSecret } = created.body.data;
    expect(customerId).toMatch(HEX32);
    expect(customerSecret).toMatch(HEX32);
    const auth = basic(customerId, customerSecret);
    expect((await createChannel(auth, 'second-pair')).status).toBe(200);
    const agora = await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth });
    expect(agora.status).toBe(200);
    // Listed beside the first pair, without its secret.
    const listed = (await as(owner, 'GET', CREDENTIALS)).body.data.credentials as Array<{ customerId: string }>;
    expect(listed.map((c) => c.customerId)).toEqual([project.customerId, customerId]);
    expect(JSON.stringify(listed)).not.toContain(customerSecret);

    const deleted = await as(owner, 'DELETE', `${CREDENTIALS}/${customerId}`);
    expect(deleted.body).toEqual({ code: 200, message: 'success', data: { customerId, deleted: true } });
    expect((await createChannel(auth, 'after-delete')).status).toBe(401);
    expect((await call(t.url, 'GET', `/dev/v1/channel/${project.appId}`, { auth })).status).toBe(401);
    // The other pair is untouched.
    expect((await createChannel(basic(project.customerId, project.customerSecret!), 'still-works')).status).toBe(200);
  });

  it('keeps the account\'s last pair, and deletes only the account\'s own', async () => {
    const last = await as(owner, 'DELETE', `${CREDENTIALS}/${project.customerId}`);
    expect(last.status).toBe(409);
    expect(last.body.details).toEqual({ field: 'customerId', reason: expect.stringMatching(/last Customer ID/) });
    const other = await t.createProject('pro');
    const foreign = await as(owner, 'DELETE', `${CREDENTIALS}/${other.customerId}`);
    expect(foreign.status).toBe(404);
    expect((await createChannel(basic(project.customerId, project.customerSecret!), 'kept')).status).toBe(200);
    expect((await call(t.url, 'POST', `/v1/projects/${other.appId}/rtc/channels`, { auth: basic(other.customerId, other.customerSecret!), body: { channel: 'x' } })).status).toBe(200);
  });

  it('lets a viewer list but not create or delete, whatever the page shows', async () => {
    expect((await as(viewer, 'POST', CREDENTIALS, {})).status).toBe(403);
    expect((await as(viewer, 'DELETE', `${CREDENTIALS}/${project.customerId}`)).status).toBe(403);
    expect((await as(owner, 'GET', CREDENTIALS)).body.data.credentials).toHaveLength(1);
  });

  it('answers bad and unauthorized requests in the envelope with the field at fault', async () => {
    expect((await as(owner, 'DELETE', `${CREDENTIALS}/not-hex`)).body.details.field).toBe('customerId');
    expect((await as(owner, 'POST', CREDENTIALS, { name: 'x' })).status).toBe(400);
    expect((await call(t.url, 'POST', CREDENTIALS, { headers: { cookie: owner.cookie }, body: {} })).status).toBe(403);
    expect((await call(t.url, 'GET', CREDENTIALS)).status).toBe(401);
    // A Customer Secret is not a console session: Basic callers cannot mint more secrets.
    expect((await call(t.url, 'POST', CREDENTIALS, { auth: basic(project.customerId, project.customerSecret!), body: {} })).status).toBe(401);
    const huge = await call(t.url, 'POST', CREDENTIALS, { headers: owner.headers(), body: { pad: 'x'.repeat(2_000_000) } });
    expect(huge.status).toBe(413);
  });

  it('caps an account at 20 pairs', async () => {
    const made: string[] = [];
    for (let i = 1; i < 20; i++) made.push((await as(owner, 'POST', CREDENTIALS, {})).body.data.customerId);
    const over = await as(owner, 'POST', CREDENTIALS, {});
    expect(over.status).toBe(409);
    expect(over.body.details.reason).toMatch(/at most 20/);
    for (const customerId of made) expect((await as(owner, 'DELETE', `${CREDENTIALS}/${customerId}`)).status).toBe(200);
  });
});
