/**
 * The channels API over real HTTP, on both backends: the seed's create request, idempotency,
 * reading, paging, deleting, and everything a client can get wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import type { CreatedProject } from '@parley/server';

const SEED_BODY = {
  channel: 'my-video-channel',
  uid: 'user_12345',
  clientRequest: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } },
};

describe.each(BACKENDS)('channels API on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  let base: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    base = `/v1/projects/${project.appId}`;
  });
  afterAll(() => t.stop());

  it('creates a channel from the seed\'s request body and returns it in the success envelope', async () => {
    const res = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: SEED_BODY });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: 200,
      message: 'success',
      data: {
        channel: 'my-video-channel',
        projectId: project.appId,
        mode: 'rtc',
        createdByUid: 'user_12345',
        persistent: true,
        settings: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } },
        participantCount: 0,
        participants: [],
        recording: { state: 'idle', sid: null },
      },
    });
    expect(Date.parse(res.body.data.createdAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('returns the existing channel unchanged when it is created again', async () => {
    const first = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: 'twice', uid: 1 } });
    const second = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: 'twice', uid: 2, mode: 'live' } });
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.data.createdByUid).toBe(1);
  });

  it('creates channels concurrently without duplicates or errors', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () => call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: 'race' } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((r) => r.body.data.createdAt)).size).toBe(1);
  });

  it('accepts every character of Agora\'s channel-name alphabet, 63 bytes long', async () => {
    const name = 'aZ0 !#$%&()+-:;<=.>?@[]^_{}|~,'.padEnd(63, 'x');
    const res = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: name } });
    expect(res.status).toBe(200);
    const read = await call(t.url, 'GET', `${base}/channels/${encodeURIComponent(name)}`, { auth });
    expect(read.status).toBe(200);
    expect(read.body.data.channel).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['64 bytes', 'x'.repeat(64)],
    ['a slash', 'a/b'],
    ['non-ASCII', 'café'],
    ['a quote', 'a"b'],
    ['a number', 42],
  ])('rejects a channel name with %s', async (_label, channel) => {
    const res = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 400, message: 'Invalid channel name format', details: { field: 'channel' } });
    expect(res.body.details.reason).toMatch(/1-63 characters/);
  });

  it.each([
    ['a missing channel', { uid: 1 }, 'channel', /required/],
    ['an unknown field', { channel: 'ok', chanel: 'typo' }, 'chanel', /not a known field/],
    ['a negative uid', { channel: 'ok', uid: -1 }, 'uid', /allowed forms/],
    ['a boolean uid', { channel: 'ok', uid: true }, 'uid', /allowed forms/],
    ['resourceExpiredHour 0', { channel: 'ok', clientRequest: { resourceExpiredHour: 0 } }, 'clientRequest.resourceExpiredHour', />= 1/],
    ['a string streamTypes', { channel: 'ok', clientRequest: { recordingConfig: { channelType: 0, streamTypes: '2' } } }, 'clientRequest.recordingConfig.streamTypes', /integer/],
    ['an unknown mode', { channel: 'ok', mode: 'broadcast' }, 'mode', /allowed forms/],
  ])('rejects %s with the field named', async (_label, body, field, reason) => {
    const res = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
    expect(res.body.details.field).toBe(field);
    expect(res.body.details.reason).toMatch(reason);
  });

  it('rejects a body that is not an object', async () => {
    const res = await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: ['my-video-channel'] });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ field: 'body', reason: 'Body must be a JSON object' });
  });

  it('rejects malformed JSON, empty JSON, other content types and bodies over 1 MiB', async () => {
    const url = `${base}/rtc/channels`;
    const malformed = await call(t.url, 'POST', url, { auth, rawBody: '{"channel": ', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ code: 400, message: 'Malformed JSON body', details: { field: 'body' } });

    const empty = await call(t.url, 'POST', url, { auth, rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe(400);

    const text = await call(t.url, 'POST', url, { auth, rawBody: 'channel=x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({ code: 415, message: 'Unsupported content type' });

    const form = await call(t.url, 'POST', url, { auth, rawBody: 'channel=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);

    const huge = await call(t.url, 'POST', url, { auth, body: { channel: 'big', uid: 'x'.repeat(1024 * 1024) } });
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ code: 413, message: 'Request body too large' });
  });

  it('loses nothing on bad input: a rejected create leaves no channel behind', async () => {
    await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: 'half', clientRequest: { resourceExpiredHour: 9999 } } });
    const read = await call(t.url, 'GET', `${base}/channels/half`, { auth });
    expect(read.status).toBe(404);
  });

  it('answers 404 in the envelope for a channel that does not exist', async () => {
    const res = await call(t.url, 'GET', `${base}/channels/nobody-here`, { auth });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 404, message: 'Resource not found', details: { field: 'channel' } });
  });

  it('rejects an invalid channel name in the path', async () => {
    const res = await call(t.url, 'GET', `${base}/channels/${encodeURIComponent('x'.repeat(64))}`, { auth });
    expect(res.status).toBe(400);
    expect(res.body.details.field).toBe('channel');
  });

  it('lists channels by name, a page at a time, until nextCursor is null', async () => {
    const other = await t.createProject('enterprise');
    const otherAuth = basic(other.customerId, other.customerSecret!);
    const otherBase = `/v1/projects/${other.appId}`;
    const names = ['c-05', 'c-01', 'c-04', 'c-02', 'c-03'];
    for (const channel of names) await call(t.url, 'POST', `${otherBase}/rtc/channels`, { auth: otherAuth, body: { channel } });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await call(t.url, 'GET', `${otherBase}/channels${query}`, { auth: otherAuth });
      expect(res.status).toBe(200);
      expect(res.body.data.channels.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.channels.map((c: { channel: string }) => c.channel));
      cursor = res.body.data.nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual([...names].sort());
    expect(pages).toBe(3);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['cursor=%2F%2F', 'cursor'],
    ['cursor=AAAA', 'cursor'],
  ])('rejects the list query %s', async (query, field) => {
    const res = await call(t.url, 'GET', `${base}/channels?${query}`, { auth });
    expect(res.status).toBe(400);
    expect(res.body.details.field).toBe(field);
  });

  it('deletes a channel, then it is gone', async () => {
    await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel: 'short-lived' } });
    const deleted = await call(t.url, 'DELETE', `${base}/channels/short-lived`, { auth });
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ channel: 'short-lived', deleted: true });
    expect((await call(t.url, 'GET', `${base}/channels/short-lived`, { auth })).status).toBe(404);
    expect((await call(t.url, 'DELETE', `${base}/channels/short-lived`, { auth })).status).toBe(404);
  });

  describe('unauthorized callers', () => {
    it('get 401 without credentials, with a wrong secret, an unknown customer or a malformed header', async () => {
      const url = `${base}/rtc/channels`;
      const attempts = [
        undefined,
        basic(project.customerId, '0'.repeat(32)),
        basic('f'.repeat(32), project.customerSecret!),
        'Basic !!!not-base64',
        'Basic ' + Buffer.from('no-colon').toString('base64'),
        'Digest abc',
      ];
      for (const header of attempts) {
        const res = await call(t.url, 'POST', url, { ...(header ? { auth: header } : {}), body: SEED_BODY });
        expect(res.status, String(header)).toBe(401);
        expect(res.body.code).toBe(401);
        expect(res.body.details.field).toBe('Authorization');
        expect(res.headers.get('x-ratelimit-limit')).toBeNull();
      }
    });

    it('are checked before the body: a bad body without credentials is a 401, not a 400', async () => {
      const res = await call(t.url, 'POST', `${base}/rtc/channels`, { body: { channel: '/bad/' } });
      expect(res.status).toBe(401);
    });

    it('accept the Basic scheme in lower case, as Agora\'s samples send it', async () => {
      const res = await call(t.url, 'GET', `${base}/channels/my-video-channel`, { auth: auth.replace('Basic', 'basic') });
      expect(res.status).toBe(200);
    });

    it('get 404 for a project of another account, as if it did not exist', async () => {
      const stranger = await t.createProject();
      const res = await call(t.url, 'GET', `${base}/channels/my-video-channel`, { auth: basic(stranger.customerId, stranger.customerSecret!) });
      expect(res.status).toBe(404);
      expect(res.body.details.field).toBe('projectId');
      const unknown = await call(t.url, 'GET', `/v1/projects/${'a'.repeat(32)}/channels/x`, { auth });
      expect(unknown.status).toBe(404);
      expect(unknown.body.details).toEqual(res.body.details);
    });

    it('see projects of their account: one Customer ID works for every App ID of the account', async () => {
      const sibling = await t.createProject('starter', project.customerId);
      expect(sibling.customerSecret).toBeUndefined();
      const res = await call(t.url, 'POST', `/v1/projects/${sibling.appId}/rtc/channels`, { auth, body: { channel: 'sibling' } });
      expect(res.status).toBe(200);
    });
  });
});
