/**
 * The sessions API over real HTTP, on both backends: sessions recorded from participant events
 * on the server's own bus (as the SFU publishes them), filtered, paged, closed by a restart, and
 * every way a caller can get the query wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaveReason } from '@parley/protocol';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { clock, FakeSfu } from '../support/participantEvents.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const iso = (time: string) => new Date(clock(time)).toISOString();

describe.each(BACKENDS)('sessions API on $name', (backend) => {
  let t: TestServer;

  /** A project of its own (so its sessions are only the test's), with an SFU publishing for it. */
  async function newProject() {
    const project = await t.createProject('enterprise');
    const auth = basic(project.customerId, project.customerSecret!);
    const sfu = new FakeSfu(t.server.services.events, project.appId);
    const list = async (query: Record<string, string | number> = {}) => {
      await t.server.services.events.drain();
      const search = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
      return call(t.url, 'GET', `/v1/projects/${project.appId}/sessions${search.size ? `?${search}` : ''}`, { auth });
    };
    return { project, auth, sfu, list };
  }

  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t.stop());

  it('shows a join then a leave as one closed session with its duration and reason name', async () => {
    const { sfu, list } = await newProject();
    const alice = sfu.join('standup', 'alice', clock('10:00'), { platform: 'android' });
    alice.leave(clock('10:02:03.500'), LeaveReason.tokenExpired);
    const res = await list();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 200,
      message: 'success',
      data: {
        sessions: [
          {
            sessionId: alice.sessionId,
            channel: 'standup',
            uid: 'alice',
            role: 'host',
            platform: 'android',
            joinedAt: iso('10:00'),
            leftAt: iso('10:02:03.500'),
            durationSeconds: 123.5,
            leaveReason: 12,
            leaveReasonName: 'tokenExpired',
          },
        ],
        nextCursor: null,
      },
    });
  });

  it('changes nothing on a second leave for the same session', async () => {
    const { sfu, list } = await newProject();
    const bob = sfu.join('standup', 7, clock('10:00'));
    bob.leave(clock('10:05'), LeaveReason.normal);
    const before = await list();
    bob.leave(clock('10:09'), LeaveReason.networkError);
    const after = await list();
    expect(after.body.data).toEqual(before.body.data);
    expect(after.body.data.sessions[0]).toMatchObject({ leftAt: iso('10:05'), leaveReason: 1, leaveReasonName: 'normal', durationSeconds: 300 });
  });

  it('shows an open session with null leftAt, durationSeconds and leave reason', async () => {
    const { sfu, list } = await newProject();
    sfu.join('webinar', 3, clock('10:00'), { role: 'audience', mode: 'live' });
    const res = await list();
    expect(res.body.data.sessions).toEqual([
      expect.objectContaining({ uid: 3, role: 'audience', leftAt: null, durationSeconds: null, leaveReason: null, leaveReasonName: null }),
    ]);
  });

  it('filters by channel, uid, and the time range the session was in progress in', async () => {
    const { sfu, list } = await newProject();
    sfu.visit('a', 1, clock('09:00'), clock('09:30'));
    sfu.visit('a', 2, clock('09:50'), clock('10:10'));
    sfu.visit('b', 1, clock('10:15'), clock('10:45'));
    sfu.visit('b', 'user_1', clock('11:00'), clock('11:30'));
    sfu.join('a', 1, clock('11:15'));
    const pick = async (query: Record<string, string>) => {
      const res = await list(query);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.sessions.map((s: { channel: string; uid: unknown }) => `${s.channel}/${s.uid}`);
    };
    expect(await pick({})).toEqual(['a/1', 'b/user_1', 'b/1', 'a/2', 'a/1']);
    expect(await pick({ channel: 'b' })).toEqual(['b/user_1', 'b/1']);
    expect(await pick({ uid: '1' })).toEqual(['a/1', 'b/1', 'a/1']);
    expect(await pick({ uid: 'user_1' })).toEqual(['b/user_1']);
    expect(await pick({ from: iso('10:00') })).toEqual(['a/1', 'b/user_1', 'b/1', 'a/2']);
    expect(await pick({ to: iso('10:00') })).toEqual(['a/2', 'a/1']);
    expect(await pick({ from: iso('10:00'), to: iso('11:00') })).toEqual(['b/1', 'a/2']);
    expect(await pick({ channel: 'a', uid: '1', from: iso('10:00') })).toEqual(['a/1']);
  });

  it('pages through 5 sessions 2 at a time, newest first, with no repeats or gaps', async () => {
    const { sfu, list } = await newProject();
    // Two share a join time: the session id breaks the tie, so paging stays stable.
    const joins = ['10:00', '10:01', '10:01', '10:02', '10:03'].map((time, i) => sfu.join('room', i + 1, clock(time)));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await list(cursor ? { limit: 2, cursor } : { limit: 2 });
      expect(res.status).toBe(200);
      expect(res.body.data.sessions.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.sessions.map((s: { sessionId: string }) => s.sessionId));
      cursor = res.body.data.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(5);
    const expected = [...joins].sort((x, y) => y.joinedAt - x.joinedAt || (y.sessionId > x.sessionId ? 1 : -1)).map((p) => p.sessionId);
    expect(seen).toEqual(expected);
  });

  describe('bad queries', () => {
    let context: Awaited<ReturnType<typeof newProject>>;
    beforeAll(async () => {
      context = await newProject();
      for (let i = 0; i < 3; i += 1) context.sfu.join('room', i + 1, clock('10:00'));
    });

    it('refuses a cursor that was edited or invented with a 400, not a 500', async () => {
      const first = await context.list({ limit: 1 });
      const cursor: string = first.body.data.nextCursor;
      const bytes = Buffer.from(cursor, 'base64url');
      const edited = Buffer.from(bytes);
      edited.writeUInt8(edited.readUInt8(edited.length - 1) ^ 1, edited.length - 1);
      const tampered = [
        'AAAA',
        cursor.slice(0, -2),
        `${cursor}x`,
        edited.toString('base64url'),
        // The key alone, without its checksum, as someone guessing the format would write it.
        bytes.subarray(6).toString('base64url'),
        Buffer.from('no-separator').toString('base64url'),
        '%2F%2F',
      ];
      for (const bad of tampered) {
        const res = await context.list({ cursor: bad });
        expect(res.status, bad).toBe(400);
        expect(res.body.details.field).toBe('cursor');
      }
    });

    it.each([
      ['from after to', { from: iso('11:00'), to: iso('10:00') }, 'to'],
      ['from not a date', { from: 'yesterday' }, 'from'],
      ['to without a time zone', { to: '2026-03-02T10:00:00' }, 'to'],
      ['limit 0', { limit: 0 }, 'limit'],
      ['limit 501', { limit: 501 }, 'limit'],
      ['an unknown field', { chanel: 'room' }, 'chanel'],
      ['a bad channel name', { channel: 'a/b' }, 'channel'],
    ])('refuses %s with a 400 naming the field', async (_label, query, field) => {
      const res = await context.list(query);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 400, details: { field } });
    });
  });

  describe('callers', () => {
    it('get 401 without credentials or with a wrong secret', async () => {
      const { project } = await newProject();
      for (const auth of [undefined, basic(project.customerId, '0'.repeat(32))]) {
        const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions`, auth ? { auth } : {});
        expect(res.status).toBe(401);
        expect(res.body.details.field).toBe('Authorization');
      }
    });

    it('get 404 for a project of another account', async () => {
      const { project } = await newProject();
      const stranger = await t.createProject();
      const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions`, { auth: basic(stranger.customerId, stranger.customerSecret!) });
      expect(res.status).toBe(404);
      expect(res.body.details.field).toBe('projectId');
    });

    it('get 403 with an access token: sessions are for the project\'s backend, not its clients', async () => {
      const { project } = await newProject();
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
      const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions`, { auth: `Bearer ${token}` });
      expect(res.status).toBe(403);
    });
  });

  it('is described in the OpenAPI document under the Sessions tag', async () => {
    const res = await call(t.url, 'GET', '/v1/openapi.json');
    expect(res.body.paths['/v1/projects/{projectId}/sessions'].get).toMatchObject({ operationId: 'listSessions', tags: ['Sessions'] });
    expect(res.body.tags.map((tag: { name: string }) => tag.name)).toEqual(expect.arrayContaining(['Sessions', 'Usage']));
  });
});

describe.each(BACKENDS)('sessions across a restart on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
  });
  afterAll(() => t.stop());

  it('closes the sessions the node left open, with reason 4 (serverInternal), and keeps closed ones as they were', async () => {
    const sfu = new FakeSfu(t.server.services.events, project.appId);
    const open = sfu.join('room', 1, Date.now() - 60_000);
    const closed = sfu.visit('room', 2, clock('10:00'), clock('10:30'));
    await t.server.services.events.drain();

    const before = Date.now();
    await t.restart();
    const after = Date.now();

    const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions`, { auth: basic(project.customerId, project.customerSecret!) });
    expect(res.status).toBe(200);
    const byId = new Map(res.body.data.sessions.map((s: { sessionId: string }) => [s.sessionId, s]));
    const reopened = byId.get(open.sessionId) as { leftAt: string; leaveReason: number; leaveReasonName: string };
    expect(reopened).toMatchObject({ leaveReason: 4, leaveReasonName: 'serverInternal' });
    expect(Date.parse(reopened.leftAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(reopened.leftAt)).toBeLessThanOrEqual(after);
    expect(byId.get(closed.sessionId)).toMatchObject({ leftAt: iso('10:30'), leaveReason: 1 });
  });
});
