/**
 * Deleting a project from the console, against a real server on both backends: people in its
 * calls are disconnected, its App ID then answers like one that never existed (REST, Agora's
 * routes, token checks, joins) and leaves the list, its sessions stay for usage, and only an
 * admin or owner of its own account may delete it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { startConsoleFixture, type ConsoleFixture, type SignedInUser } from '../support/consoleUsers.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';

describe.each(BACKENDS)('deleting a project on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let owner: SignedInUser;
  let viewer: SignedInUser;
  let as: ConsoleFixture['as'];
  const sockets: RawSignalingSocket[] = [];

  beforeAll(async () => {
    ({ t, project, owner, viewer, as } = await startConsoleFixture(backend));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await t.stop();
  });

  const token = (p: CreatedProject, channel: string, uid: number) => buildRtcToken({ appId: p.appId, appCertificate: p.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  async function join(p: CreatedProject, channel: string, uid: number) {
    const socket = await RawSignalingSocket.open(t.url);
    sockets.push(socket);
    return { socket, reply: await socket.request({ type: 'join', appId: p.appId, channel, uid, token: token(p, channel, uid), platform: 'test' }) };
  }

  it('refuses viewers and other accounts, and answers bad input with the field at fault', async () => {
    expect((await as(viewer, 'DELETE', `/v1/console/projects/${project.appId}`)).status).toBe(403);
    const other = await t.createProject('pro');
    expect((await as(owner, 'DELETE', `/v1/console/projects/${other.appId}`)).status).toBe(404);
    expect((await as(owner, 'DELETE', '/v1/console/projects/nope')).body.details.field).toBe('projectId');
    expect((await call(t.url, 'DELETE', `/v1/console/projects/${project.appId}`, { headers: { cookie: owner.cookie } })).status).toBe(403);
    expect((await call(t.url, 'DELETE', `/v1/console/projects/${project.appId}`)).status).toBe(401);
    expect((await call(t.url, 'GET', `/v1/projects/${other.appId}/channels`, { auth: basic(other.customerId, other.customerSecret!) })).status).toBe(200);
  });

  it('ends its calls, and then its App ID works nowhere while its sessions stay', async () => {
    const target = await t.createProject('pro', project.customerId);
    const auth = basic(project.customerId, project.customerSecret!);
    const { socket, reply } = await join(target, 'doomed', 7);
    expect(reply.type, JSON.stringify(reply)).toBe('joined');

    const deleted = await as(owner, 'DELETE', `/v1/console/projects/${target.appId}`);
    expect(deleted.body).toEqual({ code: 200, message: 'success', data: { appId: target.appId, deleted: true } });
    await waitUntil(() => socket.closeCode !== undefined, 'the participant is disconnected', { timeoutMs: 5_000 });

    const listed = (await as(owner, 'GET', '/v1/console/projects')).body.data.projects as Array<{ appId: string }>;
    expect(listed.map((p) => p.appId)).not.toContain(target.appId);
    expect((await call(t.url, 'GET', `/v1/projects/${target.appId}/channels`, { auth })).status).toBe(404);
    // Agora's routes answer as for an App ID that never existed ("invalid appid", in Agora's status).
    const neverExisted = await call(t.url, 'GET', `/dev/v1/channel/${'0'.repeat(32)}`, { auth });
    const gone = await call(t.url, 'GET', `/dev/v1/channel/${target.appId}`, { auth });
    expect([gone.status, gone.body]).toEqual([neverExisted.status, neverExisted.body]);
    expect((await call(t.url, 'GET', `/v1/projects/${target.appId}/channels/doomed`, { auth: `Bearer ${token(target, 'doomed', 8)}` })).status).not.toBe(200);
    const again = await join(target, 'doomed', 9);
    expect(again.reply.type).toBe('error');
    expect((await as(owner, 'DELETE', `/v1/console/projects/${target.appId}`)).status).toBe(404);

    // The session of the call it had is still in the store, for usage and billing.
    const rows = await t.server.services.store.db.selectFrom('sessions').select(['app_id', 'left_at']).where('app_id', '=', target.appId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.left_at).not.toBeNull();
  });
});
