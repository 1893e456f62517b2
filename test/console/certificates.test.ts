/**
 * App Certificate rotation from the console against a real server on both backends: a secondary
 * certificate is enabled, its tokens join, renew and read like the primary's; it is promoted (the
 * old primary still works) and the old one deleted (its tokens are refused at every door: join,
 * renewal, Bearer REST). Viewers cannot see or change certificates; every wrong request answers
 * in the error envelope with the field at fault.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken, verifyToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { addConsoleUser, signIn, type SignedInUser } from '../support/consoleUsers.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const HEX32 = /^[0-9a-f]{32}$/;

describe.each(BACKENDS)('App Certificate rotation on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let owner: SignedInUser;
  let viewer: SignedInUser;
  const sockets: RawSignalingSocket[] = [];

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('pro');
    await addConsoleUser(t, project, 'owner@example.com', 'owner');
    await addConsoleUser(t, project, 'viewer@example.com', 'viewer');
    owner = await signIn(t, 'owner@example.com');
    viewer = await signIn(t, 'viewer@example.com');
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.stop();
  });

  const certificates = (appId = project.appId) => `/v1/console/projects/${appId}/certificates`;
  const as = (who: SignedInUser, method: string, path: string) => call(t.url, method, path, { headers: who.headers(method !== 'GET') });

  function tokenSignedBy(appCertificate: string, channel: string, uid: number): string {
    return buildRtcToken({ appId: project.appId, appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
  }

  async function join(token: string, channel: string, uid: number) {
    const socket = await RawSignalingSocket.open(t.url);
    sockets.push(socket);
    const reply = await socket.request({ type: 'join', appId: project.appId, channel, uid, token, platform: 'test' });
    return { socket, reply };
  }

  /** A Bearer read of the channel the token names. */
  const bearerRead = (token: string, channel: string) => call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}`, { auth: `Bearer ${token}` });

  it('lets tokens of either certificate work while both exist, and only the primary\'s after the secondary is deleted', async () => {
    const first = await as(owner, 'GET', certificates());
    expect(first.body.data).toEqual({ primary: { createdAt: expect.any(String) }, secondary: null });
    const oldPrimary = project.appCertificate;

    const enabled = await as(owner, 'POST', `${certificates()}/secondary`);
    expect(enabled.status, JSON.stringify(enabled.body)).toBe(200);
    expect(enabled.body.data).toEqual({ slot: 'secondary', appCertificate: expect.stringMatching(HEX32), createdAt: expect.any(String) });
    const newCertificate: string = enabled.body.data.appCertificate;
    expect(newCertificate).not.toBe(oldPrimary);

    const both = await as(owner, 'GET', certificates());
    expect(both.body.data).toEqual({ primary: first.body.data.primary, secondary: { createdAt: enabled.body.data.createdAt } });
    // The summary never carries a value.
    expect(JSON.stringify(both.body)).not.toContain(newCertificate);
    expect(JSON.stringify(both.body)).not.toContain(oldPrimary);
    expect((await as(owner, 'POST', `${certificates()}/secondary/reveal`)).body.data).toEqual(enabled.body.data);

    // Signed by the secondary: joins, renews with either, and reads over REST.
    const { socket, reply } = await join(tokenSignedBy(newCertificate, 'rotation', 1), 'rotation', 1);
    expect(reply).toMatchObject({ type: 'joined', uid: 1 });
    expect(await socket.request({ type: 'renew-token', token: tokenSignedBy(oldPrimary, 'rotation', 1) })).toMatchObject({ type: 'token-renewed' });
    expect(await socket.request({ type: 'renew-token', token: tokenSignedBy(newCertificate, 'rotation', 1) })).toMatchObject({ type: 'token-renewed' });
    expect((await bearerRead(tokenSignedBy(newCertificate, 'rotation', 9), 'rotation')).status).toBe(200);

    // Promoted: the new certificate signs (the API's tokens too), the old one is still accepted.
    const promoted = await as(owner, 'POST', `${certificates()}/secondary/promote`);
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(promoted.body.data).toEqual({ primary: { createdAt: enabled.body.data.createdAt }, secondary: first.body.data.primary });
    expect((await as(owner, 'POST', `${certificates()}/primary/reveal`)).body.data.appCertificate).toBe(newCertificate);
    expect((await as(owner, 'POST', `${certificates()}/secondary/reveal`)).body.data.appCertificate).toBe(oldPrimary);
    const minted = await call(t.url, 'POST', `/v1/projects/${project.appId}/tokens`, { auth: basic(project.customerId, project.customerSecret!), body: { channel: 'rotation', uid: 2, role: 'publisher' } });
    const signedBy = async (certificate: string) => (await verifyToken(minted.body.data.token, { lookupCertificate: () => certificate })).ok;
    expect([await signedBy(newCertificate), await signedBy(oldPrimary)]).toEqual([true, false]);
    expect((await join(minted.body.data.token, 'rotation', 2)).reply).toMatchObject({ type: 'joined' });
    expect((await join(tokenSignedBy(oldPrimary, 'rotation', 3), 'rotation', 3)).reply).toMatchObject({ type: 'joined' });
    expect((await bearerRead(tokenSignedBy(oldPrimary, 'rotation', 9), 'rotation')).status).toBe(200);

    // Deleted: the old certificate's tokens are refused at every door, the new one's still work.
    const deleted = await as(owner, 'DELETE', `${certificates()}/secondary`);
    expect(deleted.body.data).toEqual({ primary: { createdAt: enabled.body.data.createdAt }, secondary: null });
    expect((await join(tokenSignedBy(oldPrimary, 'rotation', 4), 'rotation', 4)).reply).toMatchObject({ type: 'error', code: 'invalid_token' });
    const refusedRead = await bearerRead(tokenSignedBy(oldPrimary, 'rotation', 9), 'rotation');
    expect(refusedRead.status).toBe(401);
    expect(refusedRead.body).toEqual({ code: 401, message: expect.any(String), details: { field: 'Authorization', reason: expect.stringMatching(/signature/) } });
    expect(await socket.request({ type: 'renew-token', token: tokenSignedBy(oldPrimary, 'rotation', 1) })).toMatchObject({ type: 'error', code: 'invalid_token' });
    expect(await socket.request({ type: 'renew-token', token: tokenSignedBy(newCertificate, 'rotation', 1) })).toMatchObject({ type: 'token-renewed' });
    expect((await bearerRead(tokenSignedBy(newCertificate, 'rotation', 9), 'rotation')).status).toBe(200);
    expect((await as(owner, 'POST', `${certificates()}/secondary/reveal`)).status).toBe(404);
  });

  it('answers 409 with the reason when there is already a secondary certificate, or none', async () => {
    const own = await t.createProject('pro', project.customerId);
    const path = `${certificates(own.appId)}/secondary`;
    for (const [method, suffix] of [['POST', '/promote'], ['DELETE', '']] as const) {
      const res = await as(owner, method, `${path}${suffix}`);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ code: 409, message: expect.any(String), details: { field: 'slot', reason: 'This project has no secondary certificate; enable one first' } });
    }
    expect((await as(owner, 'POST', path)).status).toBe(200);
    const again = await as(owner, 'POST', path);
    expect(again.status).toBe(409);
    expect(again.body.details).toEqual({ field: 'slot', reason: expect.stringMatching(/already has a secondary certificate/) });
  });

  it('lets a viewer see which certificates exist, but not their values, nor change them', async () => {
    expect((await as(viewer, 'GET', certificates())).status).toBe(200);
    for (const [method, suffix] of [['POST', '/primary/reveal'], ['POST', '/secondary/reveal'], ['POST', '/secondary'], ['POST', '/secondary/promote'], ['DELETE', '/secondary']] as const) {
      const res = await as(viewer, method, `${certificates()}${suffix}`);
      expect(res.status, `${method} ${suffix}`).toBe(403);
      expect(res.body.details.reason).toMatch(/Your role \(viewer\) cannot do this; it needs an admin/);
    }
  });

  it('refuses missing, malformed and foreign input in the error envelope', async () => {
    // No credentials, Basic credentials, and a cookie change without its CSRF token.
    expect((await call(t.url, 'GET', certificates())).body).toEqual({ code: 401, message: expect.any(String), details: { field: 'Authorization', reason: expect.any(String) } });
    expect((await call(t.url, 'POST', `${certificates()}/secondary`, { auth: basic(project.customerId, project.customerSecret!) })).status).toBe(401);
    const noCsrf = await call(t.url, 'POST', `${certificates()}/secondary`, { headers: owner.headers(false) });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.details.reason).toMatch(/CSRF/);
    // A slot that does not exist names the field.
    const badSlot = await as(owner, 'POST', `${certificates()}/tertiary/reveal`);
    expect(badSlot.status).toBe(400);
    expect(badSlot.body).toEqual({ code: 400, message: expect.any(String), details: { field: 'slot', reason: expect.any(String) } });
    // Not an App ID, and another account's project, answer like a missing project.
    const stranger = await t.createProject('starter');
    for (const appId of ['not-an-app-id', stranger.appId, 'f'.repeat(32)]) {
      const res = await as(owner, 'POST', `${certificates(appId)}/secondary`);
      expect(res.status, appId).toBe(404);
      expect(res.body.details.reason).toBe('No project with this App ID in your account');
    }
    expect((await t.server.services.projects.certificates(stranger.appId))?.secondary).toBeUndefined();
  });
});
