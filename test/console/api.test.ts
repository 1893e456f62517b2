/**
 * The console's REST edge against a real server on both backends: signing in (cookie with CSRF,
 * or bearer), what each role may do on the console's own operations and the v1 ones, sign-out
 * ending the session on the server, the sign-in throttle, and the first start's owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';

interface Signed {
  cookie: string;
  csrf: string;
}

describe.each(BACKENDS)('console API on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let accountId: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('pro');
    accountId = (await t.server.services.projects.findAccountByCustomerId(project.customerId))!.id;
    const users = t.server.services.console.users;
    await users.create({ accountId, email: 'Owner@Example.com', password: PASSWORD, role: 'owner' });
    await users.create({ accountId, email: 'viewer@example.com', password: PASSWORD, role: 'viewer' });
  });
  afterAll(() => t.stop());

  async function signIn(email: string): Promise<Signed> {
    const res = await call(t.url, 'POST', '/v1/console/sessions', { body: { email, password: PASSWORD } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^parley_session=pcs_[\w-]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    return { cookie: setCookie.split(';')[0]!, csrf: res.body.data.csrfToken };
  }
  const asCookie = (signed: Signed, change = true) => ({ cookie: signed.cookie, ...(change ? { 'x-csrf-token': signed.csrf } : {}) });

  it('signs in with any case of the email and tells who is signed in', async () => {
    const owner = await signIn('OWNER@example.com');
    const me = await call(t.url, 'GET', '/v1/console/session', { headers: asCookie(owner, false) });
    expect(me.body.data).toMatchObject({ user: { email: 'owner@example.com', role: 'owner' }, account: { customerId: project.customerId, plan: 'pro' }, csrfToken: owner.csrf });
    expect(me.body.data.token).toBeUndefined();
  });

  it('refuses a wrong password and an unknown email alike', async () => {
    for (const email of ['owner@example.com', 'nobody@example.com']) {
      const res = await call(t.url, 'POST', '/v1/console/sessions', { body: { email, password: 'not the password' } });
      expect(res.status).toBe(401);
      expect(res.body.details).toEqual({ field: 'password', reason: 'The email or password is wrong' });
    }
  });

  it('refuses bad sign-in bodies with the field at fault', async () => {
    expect((await call(t.url, 'POST', '/v1/console/sessions', { body: { email: 'owner@example.com' } })).body.details.field).toBe('password');
    expect((await call(t.url, 'POST', '/v1/console/sessions', { body: { email: 'not-an-email', password: 'x' } })).body.details.field).toBe('email');
    expect((await call(t.url, 'POST', '/v1/console/sessions', { body: { email: 'a@b', password: 'x'.repeat(5000) } })).status).toBe(400);
    expect((await call(t.url, 'POST', '/v1/console/sessions', { rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
  });

  it('needs the CSRF token and this origin for changes made with the cookie', async () => {
    const owner = await signIn('owner@example.com');
    const body = { name: 'From the console' };
    const noToken = await call(t.url, 'POST', '/v1/console/projects', { body, headers: asCookie(owner, false) });
    expect(noToken.status).toBe(403);
    const crossSite = await call(t.url, 'POST', '/v1/console/projects', { body, headers: { ...asCookie(owner), origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.body.details.reason).toMatch(/evil\.example may not use a console session/);
    const made = await call(t.url, 'POST', '/v1/console/projects', { body, headers: asCookie(owner) });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect(made.body.data).toMatchObject({ name: 'From the console', status: 'active', appId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const list = await call(t.url, 'GET', '/v1/console/projects', { headers: asCookie(owner, false) });
    expect(list.body.data.projects.map((p: { appId: string }) => p.appId)).toEqual(expect.arrayContaining([project.appId, made.body.data.appId]));
  });

  it('lets an owner use the v1 API of the account, and shows the App Certificate', async () => {
    const owner = await signIn('owner@example.com');
    const created = await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { body: { channel: 'console-made' }, headers: asCookie(owner) });
    expect(created.status).toBe(200);
    const shown = await call(t.url, 'POST', `/v1/console/projects/${project.appId}/certificates/primary/reveal`, { headers: asCookie(owner) });
    expect(shown.body.data).toMatchObject({ slot: 'primary', appCertificate: project.appCertificate });
    const secondary = await call(t.url, 'POST', `/v1/console/projects/${project.appId}/certificates/secondary/reveal`, { headers: asCookie(owner) });
    expect(secondary.status).toBe(404);
  });

  it('keeps viewers to reads: no secret, no change, on the console\'s operations and the v1 ones', async () => {
    const viewer = await signIn('viewer@example.com');
    expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { headers: asCookie(viewer, false) })).status).toBe(200);
    // Recorded files are reads too: the console's player fetches them with the session (a missing file is 404, not 401).
    const file = await call(t.url, 'GET', `/v1/projects/${project.appId}/recordings/${'a'.repeat(32)}/files/x.mp4`, { headers: asCookie(viewer, false) });
    expect(file.status).toBe(404);
    expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/recordings`, { headers: asCookie(viewer, false) })).status).toBe(200);
    const refused = [
      ['POST', `/v1/projects/${project.appId}/rtc/channels`, { channel: 'viewer-made' }],
      ['POST', `/v1/console/projects/${project.appId}/certificates/primary/reveal`, undefined],
      ['POST', '/v1/console/projects', { name: 'nope' }],
      ['POST', `/v1/projects/${project.appId}/tokens`, { channel: 'x', uid: 1, role: 'publisher' }],
      ['GET', '/v1/console/account/users', undefined],
    ] as const;
    for (const [method, path, body] of refused) {
      const res = await call(t.url, method, path, { ...(body ? { body } : {}), headers: asCookie(viewer) });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.details.reason).toMatch(/Your role \(viewer\) cannot do this/);
    }
  });

  it('renames, disables and enables a project: disabled, its API calls and token reads are refused', async () => {
    const owner = await signIn('owner@example.com');
    const own = await t.createProject('pro', project.customerId);
    const auth = basic(own.customerId, project.customerSecret!);
    await call(t.url, 'POST', `/v1/projects/${own.appId}/rtc/channels`, { auth, body: { channel: 'room' } });
    const token = (await call(t.url, 'POST', `/v1/projects/${own.appId}/tokens`, { auth, body: { channel: 'room', uid: 7, role: 'subscriber' } })).body.data.token;
    const patch = (body: object) => call(t.url, 'PATCH', `/v1/console/projects/${own.appId}`, { body, headers: asCookie(owner) });

    expect((await patch({ name: 'Renamed' })).body.data).toMatchObject({ appId: own.appId, name: 'Renamed', status: 'active' });
    expect((await patch({ status: 'disabled' })).body.data.status).toBe('disabled');
    const basicRead = await call(t.url, 'GET', `/v1/projects/${own.appId}/channels/room`, { auth });
    expect(basicRead.status).toBe(403);
    expect(basicRead.body.details.reason).toMatch(/The project is disabled/);
    const tokenRead = await call(t.url, 'GET', `/v1/projects/${own.appId}/channels/room`, { auth: `Bearer ${token}` });
    expect(tokenRead.status).toBe(401);
    expect(tokenRead.body.details.reason).toMatch(/The project is disabled/);
    const agora = await call(t.url, 'GET', `/dev/v1/channel/${own.appId}`, { auth });
    expect(agora.status).toBe(403);
    // The console still sees it, and can enable it again.
    const listed = (await call(t.url, 'GET', '/v1/console/projects', { headers: asCookie(owner, false) })).body.data.projects;
    expect(listed.find((p: { appId: string }) => p.appId === own.appId)).toMatchObject({ name: 'Renamed', status: 'disabled' });
    expect((await patch({ status: 'active' })).body.data.status).toBe('active');
    expect((await call(t.url, 'GET', `/v1/projects/${own.appId}/channels/room`, { auth: `Bearer ${token}` })).status).toBe(200);

    expect((await patch({})).status).toBe(400);
    expect((await patch({ name: '' })).body.details.field).toBe('name');
    expect((await patch({ status: 'paused' })).body.details.field).toBe('status');
  });

  it('answers another account\'s project like a missing one', async () => {
    const stranger = await t.createProject('starter');
    const owner = await signIn('owner@example.com');
    const res = await call(t.url, 'GET', `/v1/projects/${stranger.appId}/channels`, { headers: asCookie(owner, false) });
    expect(res.status).toBe(404);
    expect((await call(t.url, 'POST', `/v1/console/projects/${stranger.appId}/certificates/primary/reveal`, { headers: asCookie(owner) })).status).toBe(404);
  });

  it('gives scripts a bearer session that needs no CSRF token, and ends it on sign-out', async () => {
    const signed = await call(t.url, 'POST', '/v1/console/sessions', { body: { email: 'owner@example.com', password: PASSWORD, session: 'bearer' } });
    expect(signed.headers.get('set-cookie')).toBeNull();
    const auth = `Bearer ${signed.body.data.token}`;
    expect(signed.body.data.token).toMatch(/^pcs_/);
    expect((await call(t.url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'script-made' } })).status).toBe(200);
    expect((await call(t.url, 'DELETE', '/v1/console/session', { auth })).body.data).toEqual({ signedOut: true });
    const after = await call(t.url, 'GET', '/v1/console/session', { auth });
    expect(after.status).toBe(401);
    expect(after.body.details.reason).toMatch(/session has ended/);
  });

  it('keeps Basic and token callers out of the console\'s operations', async () => {
    const auth = basic(project.customerId, project.customerSecret!);
    expect((await call(t.url, 'GET', '/v1/console/projects', { auth })).status).toBe(401);
    expect((await call(t.url, 'GET', '/v1/console/projects')).status).toBe(401);
  });

  it('lets an owner manage the team, always keeping an owner', async () => {
    const owner = await signIn('owner@example.com');
    const added = await call(t.url, 'POST', '/v1/console/account/users', { body: { email: 'ops@example.com', role: 'admin' }, headers: asCookie(owner) });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.data.password).toMatch(/^[\w-]{24}$/);
    expect((await call(t.url, 'POST', '/v1/console/account/users', { body: { email: 'ops@example.com', role: 'admin' }, headers: asCookie(owner) })).status).toBe(409);
    const team = await call(t.url, 'GET', '/v1/console/account/users', { headers: asCookie(owner, false) });
    const ownerId = team.body.data.users.find((u: { email: string }) => u.email === 'owner@example.com').id;
    const demoted = await call(t.url, 'PATCH', `/v1/console/account/users/${ownerId}`, { body: { role: 'admin' }, headers: asCookie(owner) });
    expect(demoted.status).toBe(409);
    const opsId = added.body.data.user.id;
    const ops = await call(t.url, 'POST', '/v1/console/sessions', { body: { email: 'ops@example.com', password: added.body.data.password, session: 'bearer' } });
    expect((await call(t.url, 'DELETE', `/v1/console/account/users/${opsId}`, { headers: asCookie(owner) })).body.data).toEqual({ id: opsId, removed: true });
    expect((await call(t.url, 'GET', '/v1/console/session', { auth: `Bearer ${ops.body.data.token}` })).status).toBe(401);
  });

  it('throttles wrong passwords for one email after five, with Retry-After', async () => {
    const email = 'viewer@example.com';
    const attempts = [];
    for (let i = 0; i < 6; i++) attempts.push(await call(t.url, 'POST', '/v1/console/sessions', { body: { email, password: `wrong ${i}` } }));
    expect(attempts.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    expect(attempts[5]!.status).toBe(429);
    expect(Number(attempts[5]!.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password waits too: the guesser cannot learn it meanwhile.
    expect((await call(t.url, 'POST', '/v1/console/sessions', { body: { email, password: PASSWORD } })).status).toBe(429);
  });
});

describe('first start', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, {}, { bootstrap: true });
  });
  afterAll(() => t.stop());

  it('makes admin@localhost the owner of the first account, with a password shown once', async () => {
    const { consoleOwner, customerId } = t.server.firstRun!;
    expect(consoleOwner.email).toBe('admin@localhost');
    const res = await call(t.url, 'POST', '/v1/console/sessions', { body: { email: consoleOwner.email, password: consoleOwner.password, session: 'bearer' } });
    expect(res.body.data).toMatchObject({ user: { role: 'owner' }, account: { customerId } });
  });
});
