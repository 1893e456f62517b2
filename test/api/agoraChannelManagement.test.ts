/**
 * Agora's Channel Management routes over real HTTP, on both backends: every answer is checked
 * against the response schema of Agora's OpenAPI file (test/fixtures/agora, Apache-2.0) and
 * carries no field that file does not name; requests are Agora's own examples where it has them.
 * Also Agora's errors (`{message}`), its Basic-auth rules, its per-account rate limits, and every
 * way a caller can get a request wrong. Participants are put in the live directory as the SFU
 * does; test/rtc/agoraKickingRules.test.ts enforces rules on real peers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '@parley/protocol';
import { buildRtcToken } from '@parley/token';
import { compileValidator } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type ApiResponse, type TestServer } from '../support/server.ts';

interface FixtureOperation {
  method: string;
  path: string;
  requestExample?: Record<string, unknown>;
  responseSchema: JsonSchema;
}
interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

const fixture = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/agora/channel-management.schemas.json'), 'utf8')) as {
  operations: Record<string, FixtureOperation>;
};
const operation = (id: string) => fixture.operations[id]!;

/** Names of fields in `value` that the schema does not describe (its schemas allow extra fields; Agora's clients do not expect any). */
function undocumentedFields(schema: JsonSchema, value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((item, i) => undocumentedFields(schema.items!, item, `${at}[${i}]`)) : [];
  if (value === null || typeof value !== 'object' || !schema.properties) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    schema.properties![key] ? undocumentedFields(schema.properties![key]!, child, `${at}.${key}`) : [`${at}.${key}`],
  );
}

/** A 200 whose body matches the operation's response schema in Agora's YAML, with nothing more. */
function expectConforming(res: ApiResponse, operationId: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const { responseSchema } = operation(operationId);
  const validate = compileValidator(responseSchema, 'body');
  expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
  expect(undocumentedFields(responseSchema, res.body)).toEqual([]);
}

/** An Agora error: the status, and a body that is `{message}` only. */
function expectAgoraError(res: ApiResponse, status: number, message?: RegExp | string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(['message']);
  expect(typeof res.body.message).toBe('string');
  if (message !== undefined) expect(res.body.message).toMatch(message);
}

describe.each(BACKENDS)('Agora Channel Management routes on $name', (backend) => {
  let t: TestServer;

  /** A new account and project (rate limits are per account, so each group gets its own). */
  async function fresh() {
    const project = await t.createProject('enterprise');
    return { project, appId: project.appId, auth: basic(project.customerId, project.customerSecret!) };
  }

  let joined = 0;
  /** Someone in a channel, as the SFU registers them in the participant directory. */
  async function put(appId: string, channel: string, uid: number | string, role: Participant['role'] = 'host', platform = 'web') {
    joined += 1;
    await t.server.services.live.participants.put(appId, channel, {
      uid,
      role,
      joinedAt: new Date(Date.UTC(2026, 0, 9, 8, 0, joined)).toISOString(),
      publishingAudio: false,
      publishingVideo: false,
      platform,
      sessionId: `s${joined}`,
    });
  }

  beforeAll(async () => {
    t = await startTestServer(backend);
  });
  afterAll(() => t.stop());

  describe('online channel queries', () => {
    let ctx: Awaited<ReturnType<typeof fresh>>;
    beforeAll(async () => {
      ctx = await fresh();
      await put(ctx.appId, 'meeting', 1001);
      await put(ctx.appId, 'meeting', 1002, 'host', 'android');
      await put(ctx.appId, 'meeting', 'alice');
      await put(ctx.appId, 'show', 2206227541);
      await put(ctx.appId, 'show', 2845863044, 'host', 'iOS');
      await put(ctx.appId, 'show', 906219905, 'audience', 'macOS');
      await put(ctx.appId, 'show', 77, 'recorder', 'cloud-recording');
      await put(ctx.appId, 'studio', 5);
      // A live channel whose hosts are all that is in it: its stored mode says live.
      expect((await call(t.url, 'POST', `/v1/projects/${ctx.appId}/rtc/channels`, { auth: ctx.auth, body: { channel: 'studio', mode: 'live' } })).status).toBe(200);
    });

    it('lists online channels with their user counts, in pages', async () => {
      const all = await call(t.url, 'GET', `/dev/v1/channel/${ctx.appId}`, { auth: ctx.auth });
      expectConforming(all, 'cma-query-channel-list');
      expect(all.body).toEqual({
        success: true,
        data: {
          channels: [
            { channel_name: 'meeting', user_count: 3 },
            { channel_name: 'show', user_count: 4 },
            { channel_name: 'studio', user_count: 1 },
          ],
          total_size: 3,
        },
      });
      const pages = [];
      for (let page = 0; page < 3; page += 1) {
        const res = await call(t.url, 'GET', `/dev/v1/channel/${ctx.appId}?page_no=${page}&page_size=2`, { auth: ctx.auth });
        expectConforming(res, 'cma-query-channel-list');
        expect(res.body.data.total_size).toBe(3);
        pages.push(res.body.data.channels.map((c: { channel_name: string }) => c.channel_name));
      }
      expect(pages).toEqual([['meeting', 'show'], ['studio'], []]);
    });

    it('lists a communication channel\'s users (string accounts are counted, not listed)', async () => {
      const res = await call(t.url, 'GET', `/dev/v1/channel/user/${ctx.appId}/meeting`, { auth: ctx.auth });
      expectConforming(res, 'cma-query-user-list');
      expect(res.body).toEqual({ success: true, data: { channel_exist: true, mode: 1, total: 3, users: [1001, 1002] } });
    });

    it('lists a live channel\'s hosts and audience, a recorder among the audience', async () => {
      const res = await call(t.url, 'GET', `/dev/v1/channel/user/${ctx.appId}/show`, { auth: ctx.auth });
      expectConforming(res, 'cma-query-user-list');
      expect(res.body).toEqual({
        success: true,
        data: { channel_exist: true, mode: 2, broadcasters: [2206227541, 2845863044], audience: [906219905, 77], audience_total: 2 },
      });
      const studio = await call(t.url, 'GET', `/dev/v1/channel/user/${ctx.appId}/studio`, { auth: ctx.auth });
      expect(studio.body.data).toEqual({ channel_exist: true, mode: 2, broadcasters: [5], audience: [], audience_total: 0 });
    });

    it('lists only hosts with hosts_only, as a query or in the path', async () => {
      for (const url of [`/dev/v1/channel/user/${ctx.appId}/show?hosts_only`, `/dev/v1/channel/user/${ctx.appId}/show?hosts_only=1`]) {
        const res = await call(t.url, 'GET', url, { auth: ctx.auth });
        expectConforming(res, 'cma-query-user-list');
        expect(res.body.data).toEqual({ channel_exist: true, mode: 2, broadcasters: [2206227541, 2845863044] });
      }
      const path = await call(t.url, 'GET', `/dev/v1/channel/user/${ctx.appId}/show/hosts_only`, { auth: ctx.auth });
      expectConforming(path, 'cma-query-host-list');
      expect(path.body).toEqual({ success: true, data: { channel_exist: true, mode: 2, broadcasters: [2206227541, 2845863044] } });
    });

    it('says channel_exist false, and nothing else, for a channel nobody is in', async () => {
      for (const url of [`/dev/v1/channel/user/${ctx.appId}/empty`, `/dev/v1/channel/user/${ctx.appId}/empty/hosts_only`]) {
        const res = await call(t.url, 'GET', url, { auth: ctx.auth });
        expect(res.body).toEqual({ success: true, data: { channel_exist: false } });
      }
    });

    it('tells a user\'s status: join time, role and platform, or that they are not in', async () => {
      const host = await call(t.url, 'GET', `/dev/v1/channel/user/property/${ctx.appId}/2845863044/show`, { auth: ctx.auth });
      expectConforming(host, 'cma-query-user-status');
      expect(host.body).toEqual({ success: true, data: { in_channel: true, uid: 2845863044, join: expect.any(Number), role: 2, platform: 2 } });
      expect(host.body.data.join).toBe(Math.floor(Date.UTC(2026, 0, 9, 8, 0, 0) / 1000) + Number(host.body.data.join % 60));
      const audience = await call(t.url, 'GET', `/dev/v1/channel/user/property/${ctx.appId}/906219905/show`, { auth: ctx.auth });
      expect(audience.body.data).toMatchObject({ role: 3, platform: 8 });
      const user = await call(t.url, 'GET', `/dev/v1/channel/user/property/${ctx.appId}/1002/meeting`, { auth: ctx.auth });
      expect(user.body.data).toMatchObject({ in_channel: true, uid: 1002, role: 1, platform: 1 });
      const absent = await call(t.url, 'GET', `/dev/v1/channel/user/property/${ctx.appId}/999/meeting`, { auth: ctx.auth });
      expectConforming(absent, 'cma-query-user-status');
      expect(absent.body).toEqual({ success: true, data: { in_channel: false } });
    });
  });

  describe('kicking rules', () => {
    it('creates, lists, updates and deletes a rule with Agora\'s example requests', async () => {
      const { appId, auth } = await fresh();
      const createExample = { ...operation('cma-create-ban-rule').requestExample!, appid: appId };
      const before = Date.now();
      const created = await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: createExample });
      expectConforming(created, 'cma-create-ban-rule');
      expect(created.body).toEqual({ status: 'success', id: expect.any(Number) });
      const id = created.body.id;

      const listed = await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth });
      expectConforming(listed, 'cma-get-ban-rule-list');
      expect(listed.body).toEqual({
        status: 'success',
        rules: [
          { id, appid: appId, uid: 589517928, opid: id, cname: 'channel1', ip: '', ts: expect.any(String), privileges: ['join_channel'], createAt: expect.any(String), updateAt: expect.any(String) },
        ],
      });
      const rule = listed.body.rules[0];
      // `time: 60` is an hour.
      expect(Date.parse(rule.ts) - Date.parse(rule.createAt)).toBe(3_600_000);
      expect(Date.parse(rule.createAt)).toBeGreaterThanOrEqual(before - 1);

      const updateExample = { ...operation('cma-update-ban-expiration').requestExample!, appid: appId, id };
      const updated = await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, body: { ...updateExample, time: 5 } });
      expectConforming(updated, 'cma-update-ban-expiration');
      expect(updated.body).toEqual({ status: 'success', result: { id, ts: expect.any(String) } });
      expect(Date.parse(updated.body.result.ts) - Date.now()).toBeGreaterThan(299_000);
      expect(Date.parse(updated.body.result.ts) - Date.now()).toBeLessThanOrEqual(300_000);

      const deleteExample = { ...operation('cma-delete-ban-rule').requestExample!, appid: appId, id };
      const deleted = await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: deleteExample });
      expectConforming(deleted, 'cma-delete-ban-rule');
      expect(deleted.body).toEqual({ status: 'success', id });
      expect((await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth })).body.rules).toEqual([]);
      expectAgoraError(await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: deleteExample }), 404, 'rule not found');
      expectAgoraError(await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, body: updateExample }), 404, 'rule not found');
    });

    it.each([
      [{ time: 0 }, 0],
      [{ time_in_seconds: 0 }, 0],
      [{}, 3600],
      [{ time: 5000 }, 86400],
      [{ time_in_seconds: 3 }, 10],
      [{ time_in_seconds: 100000 }, 86430],
      [{ time: 1, time_in_seconds: 45 }, 45],
    ])('reads the duration %j as %i seconds (0: kick now, nothing listed)', async (duration, seconds) => {
      const { appId, auth } = await fresh();
      const created = await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, uid: 42, privileges: ['publish_audio'], ...duration } });
      expectConforming(created, 'cma-create-ban-rule');
      const rules = (await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth })).body.rules;
      if (seconds === 0) {
        expect(rules).toEqual([]);
        return;
      }
      expect(rules).toHaveLength(1);
      expect(Date.parse(rules[0].ts) - Date.parse(rules[0].createAt)).toBe(seconds * 1000);
    });

    it('lists rules made by the v1 kick with a ban too, with unset fields as 0 and ""', async () => {
      const { appId, auth } = await fresh();
      await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, ip: '198.51.100.7', privileges: ['join_channel', 'publish_video'] } });
      await put(appId, 'room', 31);
      await call(t.url, 'POST', `/v1/projects/${appId}/channels/room/users/31/kick`, { auth, body: { banSeconds: 60 } });
      // A ban on a string account has no form in Agora's numeric uid: not listed.
      await t.server.services.bans.ban(appId, { channel: 'room', uid: 'carol' }, ['join_channel'], 60);
      const listed = await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth });
      expectConforming(listed, 'cma-get-ban-rule-list');
      expect(listed.body.rules.map((r: Record<string, unknown>) => [r.uid, r.cname, r.ip, r.privileges])).toEqual([
        [0, '', '198.51.100.7', ['join_channel', 'publish_video']],
        [31, 'room', '', ['join_channel']],
      ]);
    });

    it('keeps each app\'s rules to itself', async () => {
      const { appId, auth, project } = await fresh();
      const sibling = await t.createProject('starter', project.customerId);
      const id = (await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, uid: 1, privileges: ['join_channel'] } })).body.id;
      expect((await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${sibling.appId}`, { auth })).body.rules).toEqual([]);
      expectAgoraError(await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: { appid: sibling.appId, id } }), 404);
      expectAgoraError(await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, body: { appid: sibling.appId, id, time: 1 } }), 404);
    });
  });

  describe('bad requests', () => {
    it.each([
      ['page_size=0'],
      ['page_size=501'],
      ['page_size=ten'],
      ['page_no=-1'],
      ['page_no=1.5'],
      ['page_no=x'],
    ])('refuses the channel list query %s with 400 {message}', async (query) => {
      const { appId, auth } = await fresh();
      expectAgoraError(await call(t.url, 'GET', `/dev/v1/channel/${appId}?${query}`, { auth }), 400, /page_/);
    });

    it.each([['abc'], ['-1'], ['4294967296'], ['1.5']])('refuses the uid %s in a user status query', async (uid) => {
      const { appId, auth } = await fresh();
      expectAgoraError(await call(t.url, 'GET', `/dev/v1/channel/user/property/${appId}/${uid}/room`, { auth }), 400, /uid/);
    });

    it.each([[encodeURIComponent('x'.repeat(65))], [encodeURIComponent('a/b')], [encodeURIComponent('naïve')], ['%22quoted%22']])(
      'refuses the channel name %s in a query',
      async (name) => {
        const { appId, auth } = await fresh();
        for (const url of [`/dev/v1/channel/user/${appId}/${name}`, `/dev/v1/channel/user/${appId}/${name}/hosts_only`, `/dev/v1/channel/user/property/${appId}/1/${name}`]) {
          const res = await call(t.url, 'GET', url, { auth });
          // A slash inside the name makes another path: no route, which is a 404.
          if (decodeURIComponent(name).includes('/')) expect([400, 404]).toContain(res.status);
          else expectAgoraError(res, 400, /channel/);
        }
      },
    );

    it.each([
      [{ privileges: ['join_channel'], uid: 1 }, /appid/],
      [{ appid: ':app', uid: 1 }, /privileges/],
      [{ appid: ':app', uid: 1, privileges: [] }, /privileges/],
      [{ appid: ':app', uid: 1, privileges: ['fly'] }, /privileges/],
      [{ appid: ':app', uid: 1, privileges: ['join_channel', 'join_channel'] }, /privileges/],
      [{ appid: ':app', uid: '1', privileges: ['join_channel'] }, /uid/],
      [{ appid: ':app', uid: -5, privileges: ['join_channel'] }, /uid/],
      [{ appid: ':app', uid: 1, time: '60', privileges: ['join_channel'] }, /time/],
      [{ appid: ':app', uid: 1, time_in_seconds: true, privileges: ['join_channel'] }, /time_in_seconds/],
      [{ appid: ':app', privileges: ['join_channel'] }, /at least one of cname, uid and ip/],
      [{ appid: ':app', uid: 0, cname: '', ip: '', privileges: ['join_channel'] }, /at least one of cname, uid and ip/],
      [{ appid: ':app', ip: 'not-an-ip', privileges: ['join_channel'] }, /invalid ip/],
      [{ appid: ':app', cname: 'bad/name', privileges: ['join_channel'] }, /invalid cname/],
      [{ appid: ':app', cname: 'c'.repeat(65), privileges: ['join_channel'] }, /cname/],
      [{ appid: 42, uid: 1, privileges: ['join_channel'] }, /appid/],
    ])('refuses the rule %j with 400 {message}', async (body, message) => {
      const { appId, auth } = await fresh();
      const withApp = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, v === ':app' ? appId : v]));
      expectAgoraError(await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: withApp }), 400, message);
      expect((await call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth })).body.rules).toEqual([]);
    });

    it('refuses updates and deletes without an id or with a wrong one, and a list without appid', async () => {
      const { appId, auth } = await fresh();
      expectAgoraError(await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, body: { appid: appId, time: 5 } }), 400, /id/);
      expectAgoraError(await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, body: { appid: appId, id: 'x' } }), 400, /id/);
      expectAgoraError(await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: { appid: appId } }), 400, /id/);
      expectAgoraError(await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: { appid: appId, id: 0 } }), 400, /id/);
      expectAgoraError(await call(t.url, 'DELETE', '/dev/v1/kicking-rule', { auth }), 400);
      expectAgoraError(await call(t.url, 'GET', '/dev/v1/kicking-rule', { auth }), 400, /appid/);
    });

    it('refuses malformed JSON, other content types and bodies over 1 MiB, in Agora\'s error shape', async () => {
      const { appId, auth } = await fresh();
      const json = { 'content-type': 'application/json' };
      expectAgoraError(await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, rawBody: '{"appid": ', headers: json }), 400, 'Body is not valid JSON');
      expectAgoraError(await call(t.url, 'PUT', '/dev/v1/kicking-rule', { auth, rawBody: '', headers: json }), 400);
      expectAgoraError(await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: [appId] }), 400);
      expectAgoraError(await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, rawBody: 'appid=x', headers: { 'content-type': 'text/plain' } }), 415);
      expectAgoraError(
        await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, uid: 1, privileges: ['join_channel'], pad: 'x'.repeat(1024 * 1024) } }),
        413,
      );
    });
  });

  describe('unauthorized callers', () => {
    let ctx: Awaited<ReturnType<typeof fresh>>;
    beforeAll(async () => {
      ctx = await fresh();
    });

    const requests = (appId: string): Array<[string, string, unknown]> => [
      ['GET', `/dev/v1/channel/${appId}`, undefined],
      ['GET', `/dev/v1/channel/user/${appId}/room`, undefined],
      ['GET', `/dev/v1/channel/user/${appId}/room/hosts_only`, undefined],
      ['GET', `/dev/v1/channel/user/property/${appId}/1/room`, undefined],
      ['POST', '/dev/v1/kicking-rule', { appid: appId, uid: 1, privileges: ['join_channel'] }],
      ['GET', `/dev/v1/kicking-rule?appid=${appId}`, undefined],
      ['PUT', '/dev/v1/kicking-rule', { appid: appId, id: 1, time: 1 }],
      ['DELETE', '/dev/v1/kicking-rule', { appid: appId, id: 1 }],
    ];

    it('get 401 Unauthorized without Basic credentials, and 401 for wrong ones, before the body is read', async () => {
      const token = buildRtcToken({ appId: ctx.appId, appCertificate: ctx.project.appCertificate, channel: 'room', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
      for (const [method, url, body] of requests(ctx.appId)) {
        expectAgoraError(await call(t.url, method, url, method === 'GET' ? {} : { body: { garbage: true } }), 401, 'Unauthorized');
        expectAgoraError(await call(t.url, method, url, { auth: `Bearer ${token}`, ...(body ? { body } : {}) }), 401, 'Unauthorized');
        expectAgoraError(await call(t.url, method, url, { auth: `agora token=${token}`, ...(body ? { body } : {}) }), 401, 'Unauthorized');
        const wrong = basic(ctx.project.customerId, '0'.repeat(32));
        expectAgoraError(await call(t.url, method, url, { auth: wrong, ...(body ? { body } : {}) }), 401, 'Invalid authentication credentials');
      }
    });

    it('get 401 for an App ID that does not exist or belongs to another account; a sibling project works', async () => {
      const stranger = await fresh();
      const sibling = await t.createProject('starter', ctx.project.customerId);
      for (const appId of ['f'.repeat(32), 'not-an-app-id', stranger.appId]) {
        for (const [method, url, body] of requests(appId)) {
          expectAgoraError(await call(t.url, method, url, { auth: ctx.auth, ...(body ? { body } : {}) }), 401, 'invalid appid');
        }
      }
      expectConforming(await call(t.url, 'GET', `/dev/v1/channel/${sibling.appId}`, { auth: ctx.auth }), 'cma-query-channel-list');
      // Agora's samples send the scheme in lower case.
      expect((await call(t.url, 'GET', `/dev/v1/channel/${ctx.appId}`, { auth: ctx.auth.replace('Basic', 'basic') })).status).toBe(200);
    });
  });

  describe('rate limits', () => {
    it('allow 20 online-channel queries a second per account and API, then 429 {message}', async () => {
      const { appId, auth } = await fresh();
      const results = await Promise.all(Array.from({ length: 45 }, () => call(t.url, 'GET', `/dev/v1/channel/${appId}`, { auth })));
      const limited = results.filter((r) => r.status === 429);
      // 45 requests within at most two one-second windows: at least 5 over the limit.
      expect(limited.length).toBeGreaterThanOrEqual(5);
      expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(40);
      expectAgoraError(limited[0]!, 429, 'API rate limit exceeded');
      expect(limited[0]!.headers.get('retry-after')).toBe('1');
      // Each API has its own count.
      expect((await call(t.url, 'GET', `/dev/v1/channel/user/${appId}/room`, { auth })).status).toBe(200);
    });

    it('allow 10 requests a second to each kicking-rule API', async () => {
      const { appId, auth } = await fresh();
      const results = await Promise.all(Array.from({ length: 25 }, () => call(t.url, 'GET', `/dev/v1/kicking-rule?appid=${appId}`, { auth })));
      expect(results.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(5);
      expect(results.filter((r) => r.status === 200).length).toBeLessThanOrEqual(20);
    });
  });
});
