/**
 * The webhooks API over real HTTP, on both backends, with a real receiver on 127.0.0.1: endpoints
 * made, read, changed, rotated and deleted; channel events delivered as signed Agora NCS notices,
 * retried after a failure, redelivered on request and listed; the SSRF refusal when private
 * addresses are not allowed; and every way a caller can get a request wrong.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { LeaveReason, MAX_WEBHOOKS_PER_PROJECT } from '@parley/protocol';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { FakeSfu } from '../support/participantEvents.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';

const FAST_RETRIES = { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '50' };

describe.each(BACKENDS)('webhooks API on $name', (backend) => {
  let t: TestServer;
  let receiver: WebhookReceiver;

  /** A project of its own with one webhook to the receiver, and an SFU publishing for it. */
  async function newProject(body: Record<string, unknown> = {}) {
    const project = await t.createProject('enterprise');
    const auth = basic(project.customerId, project.customerSecret!);
    const base = `/v1/projects/${project.appId}/webhooks`;
    const created = await call(t.url, 'POST', base, { auth, body: { url: receiver.url, ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    receiver.secret = created.body.data.secret;
    const sfu = new FakeSfu(t.server.services.events, project.appId);
    const hook = `${base}/${created.body.data.webhookId}`;
    return { project, auth, base, hook, webhookId: created.body.data.webhookId as string, sfu };
  }

  beforeAll(async () => {
    t = await startTestServer(backend, FAST_RETRIES);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.respond = () => 200;
  });

  it('creates a webhook and shows its secret once: reads and lists never include it', async () => {
    const { auth, base, hook, webhookId } = await newProject({ events: ['participant.joined', 'participant.left'] });
    const read = await call(t.url, 'GET', hook, { auth });
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({
      webhookId,
      url: receiver.url,
      events: ['participant.joined', 'participant.left'],
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      failureStreak: 0,
      failingSince: null,
      lastSuccessAt: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(receiver.secret).toMatch(/^[0-9a-f]{64}$/);
    const list = await call(t.url, 'GET', base, { auth });
    expect(list.body.data.webhooks).toEqual([read.body.data]);
    expect(JSON.stringify(list.body)).not.toContain(receiver.secret);
  });

  it('delivers a join and a leave as signed NCS notices, in order, with reason and duration', async () => {
    const { sfu } = await newProject();
    const at = Date.now() - 65_000;
    sfu.join('standup', 42, at, { platform: 'android', sessionId: 'sess-1' }).leave(at + 61_400, LeaveReason.tokenExpired);
    await receiver.waitFor((r) => r.length === 2);
    const [join, leave] = receiver.received;
    for (const notice of [join!, leave!]) {
      expect(notice.signed).toBe(true);
      expect(notice.headers['content-type']).toBe('application/json');
      expect(notice.headers['agora-signature']).toMatch(/^[0-9a-f]{40}$/);
      expect(notice.headers['agora-signature-v2']).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(join!.body).toEqual({
      noticeId: expect.any(String),
      productId: 1,
      eventType: 107,
      notifyMs: at,
      sid: 'sess-1',
      payload: { channelName: 'standup', uid: 42, platform: 1, clientSeq: expect.any(Number), ts: Math.floor(at / 1000), account: '42' },
    });
    expect(leave!.body).toMatchObject({ eventType: 108, sid: 'sess-1', payload: { uid: 42, reason: 12, duration: 61 } });
    expect(leave!.body.noticeId).not.toBe(join!.body.noticeId);
  });

  it('retries a notice the receiver answered 500, delivers it, and redelivers it on request with the same id and bytes', async () => {
    const { auth, hook, sfu } = await newProject();
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? 500 : 200);
    sfu.join('retry', 1);
    await receiver.waitFor((r) => r.some((n) => n.status === 200));
    expect(receiver.received.map((n) => n.status)).toEqual([500, 200]);
    expect(receiver.received[1]!.rawBody).toBe(receiver.received[0]!.rawBody);

    // The receiver has answered; the outcome is written right after.
    const delivery = await vi.waitFor(async () => {
      const listed = await call(t.url, 'GET', `${hook}/deliveries`, { auth });
      expect(listed.body.data.deliveries[0].state).toBe('delivered');
      return listed.body.data.deliveries[0];
    });
    expect(delivery).toMatchObject({
      event: 'participant.joined',
      productId: 1,
      eventType: 107,
      channel: 'retry',
      state: 'delivered',
      attempts: 2,
      lastStatus: 200,
      lastError: null,
      nextAttemptAt: null,
      noticeId: receiver.received[0]!.body.noticeId,
      body: receiver.received[0]!.rawBody,
    });
    expect(delivery.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(delivery.deliveredAt)).toBeGreaterThan(Date.parse(delivery.createdAt) - 1);

    const again = await call(t.url, 'POST', `${hook}/deliveries/${delivery.deliveryId}/redeliver`, { auth });
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ state: 'pending', attempts: 0, noticeId: delivery.noticeId, body: delivery.body });
    expect(again.body.data.deliveryId).toBeGreaterThan(delivery.deliveryId);
    await receiver.waitFor((r) => r.length === 3);
    expect(receiver.received[2]!).toMatchObject({ status: 200, signed: true, rawBody: delivery.body });
    await vi.waitFor(async () => {
      const after = await call(t.url, 'GET', `${hook}/deliveries?state=delivered`, { auth });
      expect(after.body.data.deliveries.map((d: { noticeId: string }) => d.noticeId)).toEqual([delivery.noticeId, delivery.noticeId]);
    });
  });

  it('pages through deliveries newest first and filters them by state', async () => {
    const { auth, hook, sfu } = await newProject();
    for (let uid = 1; uid <= 5; uid += 1) sfu.join('paging', uid);
    await receiver.waitFor((r) => r.length === 5);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call(t.url, 'GET', `${hook}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { auth });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.deliveries.map((d: { deliveryId: number }) => d.deliveryId));
      cursor = res.body.data.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    expect((await call(t.url, 'GET', `${hook}/deliveries?state=failed`, { auth })).body.data.deliveries).toEqual([]);
  });

  it('changes the events, URL and state of a webhook: off means nothing queued, on again resumes', async () => {
    const { auth, hook, sfu } = await newProject();
    const filtered = await call(t.url, 'PATCH', hook, { auth, body: { events: ['participant.left'] } });
    expect(filtered.body.data.events).toEqual(['participant.left']);
    sfu.join('patch', 1).leave();
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.received[0]!.body.eventType).toBe(108);

    const off = await call(t.url, 'PATCH', hook, { auth, body: { enabled: false } });
    expect(off.body.data).toMatchObject({ enabled: false, disabledReason: 'manual', disabledAt: expect.any(String) });
    sfu.join('patch', 2).leave();
    await t.server.services.events.drain();
    expect((await call(t.url, 'GET', `${hook}/deliveries`, { auth })).body.data.deliveries).toHaveLength(1);

    const on = await call(t.url, 'PATCH', hook, { auth, body: { enabled: true, events: null, url: `${receiver.url}?v=2` } });
    expect(on.body.data).toMatchObject({ enabled: true, disabledReason: null, events: null, url: `${receiver.url}?v=2` });
    sfu.join('patch', 3);
    await receiver.waitFor((r) => r.length === 2);
    expect(receiver.received[1]!.body.eventType).toBe(107);
  });

  it('rotates the secret: the new one is shown once and signs what is sent from then on', async () => {
    const { auth, hook, sfu } = await newProject();
    const old = receiver.secret;
    const rotated = await call(t.url, 'POST', `${hook}/rotate-secret`, { auth });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.body.data.secret).not.toBe(old);
    expect((await call(t.url, 'GET', hook, { auth })).body.data).not.toHaveProperty('secret');
    receiver.secret = rotated.body.data.secret;
    sfu.join('rotate', 1);
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.received[0]!.signed).toBe(true);
  });

  it('deletes a webhook with its deliveries', async () => {
    const { auth, hook, webhookId, sfu } = await newProject();
    sfu.join('gone', 1);
    await receiver.waitFor((r) => r.length === 1);
    const deleted = await call(t.url, 'DELETE', hook, { auth });
    expect(deleted.body).toEqual({ code: 200, message: 'success', data: { webhookId, deleted: true } });
    expect((await call(t.url, 'GET', hook, { auth })).status).toBe(404);
    expect((await call(t.url, 'GET', `${hook}/deliveries`, { auth })).status).toBe(404);
    expect((await call(t.url, 'DELETE', hook, { auth })).status).toBe(404);
  });

  it(`allows at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks a project`, async () => {
    const { auth, base } = await newProject();
    for (let i = 1; i < MAX_WEBHOOKS_PER_PROJECT; i += 1) expect((await call(t.url, 'POST', base, { auth, body: { url: `${receiver.url}/${i}` } })).status).toBe(200);
    const over = await call(t.url, 'POST', base, { auth, body: { url: receiver.url } });
    expect(over.status).toBe(400);
    expect(over.body.details.reason).toMatch(/at most 10 webhooks/);
  });

  describe('bad requests', () => {
    let context: Awaited<ReturnType<typeof newProject>>;
    beforeAll(async () => {
      context = await newProject();
    });

    it.each([
      [{}, 'url', /is required/],
      [{ url: '' }, 'url', /must NOT have fewer than 1 characters/],
      [{ url: 'not a url' }, 'url', /./],
      [{ url: 'ftp://127.0.0.1/hooks' }, 'url', /./],
      [{ url: 'javascript:alert(1)' }, 'url', /./],
      [{ url: `http://127.0.0.1/${'x'.repeat(2048)}` }, 'url', /must NOT have more than 2048 characters/],
      [{ url: 'http://unresolvable.invalid/hooks' }, 'url', /does not resolve/],
      [{ url: 'http://127.0.0.1/', events: ['channel.exploded'] }, 'events.0', /allowed forms: An event name/],
      [{ url: 'http://127.0.0.1/', events: [] }, 'events', /allowed forms/],
      [{ url: 'http://127.0.0.1/', events: ['channel.created', 'channel.created'] }, 'events', /allowed forms/],
      [{ url: 'http://127.0.0.1/', events: 'channel.created' }, 'events', /allowed forms/],
      [{ url: 'http://127.0.0.1/', enabled: 'yes' }, 'enabled', /boolean/],
      [{ url: 'http://127.0.0.1/', secret: 'mine' }, 'secret', /not a known field/],
    ])('refuses the create body %j with a 400 naming the field', async (body, field, reason) => {
      const res = await call(t.url, 'POST', context.base, { auth: context.auth, body });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.details.field).toBe(field);
      expect(res.body.details.reason).toMatch(reason);
    });

    it('refuses bodies that are not JSON objects, malformed JSON, other content types and bodies over 1 MiB', async () => {
      const { base, auth, hook } = context;
      expect((await call(t.url, 'POST', base, { auth, body: ['http://127.0.0.1/'] })).body.details).toEqual({ field: 'body', reason: 'Body must be a JSON object' });
      const malformed = await call(t.url, 'POST', base, { auth, rawBody: '{"url": ', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body.message).toBe('Malformed JSON body');
      expect((await call(t.url, 'POST', base, { auth, rawBody: 'url=x', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await call(t.url, 'PATCH', hook, { auth, rawBody: 'enabled=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(415);
      const huge = await call(t.url, 'POST', base, { auth, body: { url: 'http://127.0.0.1/', pad: 'x'.repeat(1024 * 1024) } });
      expect(huge.status).toBe(413);
    });

    it('refuses an empty or unknown change', async () => {
      expect((await call(t.url, 'PATCH', context.hook, { auth: context.auth, body: {} })).status).toBe(400);
      const unknown = await call(t.url, 'PATCH', context.hook, { auth: context.auth, body: { secret: 'x' } });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details.field).toBe('secret');
    });

    it.each([
      ['GET', '/webhooks/wh_nothex', 'webhookId'],
      ['GET', '/webhooks/12345', 'webhookId'],
      ['GET', '/webhooks/WH_0123456789ABCDEF01234567', 'webhookId'],
      ['POST', '/webhooks/WEBHOOK/deliveries/1/redeliver', 'webhookId'],
      ['POST', '/webhooks/:hook/deliveries/abc/redeliver', 'deliveryId'],
      ['POST', '/webhooks/:hook/deliveries/0/redeliver', 'deliveryId'],
      ['POST', '/webhooks/:hook/deliveries/99999999999999999999/redeliver', 'deliveryId'],
      ['GET', '/webhooks/:hook/deliveries?limit=0', 'limit'],
      ['GET', '/webhooks/:hook/deliveries?limit=501', 'limit'],
      ['GET', '/webhooks/:hook/deliveries?state=lost', 'state'],
      ['GET', '/webhooks/:hook/deliveries?cursor=AAAA', 'cursor'],
      ['GET', `/webhooks/:hook/deliveries?cursor=${'A'.repeat(201)}`, 'cursor'],
      ['GET', '/webhooks/:hook/deliveries?cursor=%2F%2F', 'cursor'],
      ['GET', '/webhooks/:hook/deliveries?page=2', 'page'],
    ])('refuses %s %s with a 400 naming %s', async (method, path, field) => {
      const url = `/v1/projects/${context.project.appId}${path.replace(':hook', context.webhookId)}`;
      const res = await call(t.url, method, url, { auth: context.auth });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.details.field).toBe(field);
    });

    it('answers 404 for a webhook or delivery that does not exist', async () => {
      const { auth, project, hook } = context;
      const missing = await call(t.url, 'GET', `/v1/projects/${project.appId}/webhooks/wh_${'0'.repeat(24)}`, { auth });
      expect(missing.status).toBe(404);
      expect(missing.body.details.field).toBe('webhookId');
      const noDelivery = await call(t.url, 'POST', `${hook}/deliveries/987654321/redeliver`, { auth });
      expect(noDelivery.status).toBe(404);
      expect(noDelivery.body.details.field).toBe('deliveryId');
    });
  });

  describe('unauthorized callers', () => {
    let context: Awaited<ReturnType<typeof newProject>>;
    beforeAll(async () => {
      context = await newProject();
    });

    it('get 401 without credentials or with wrong ones, before the body is looked at', async () => {
      const { base, hook, project } = context;
      for (const auth of [undefined, basic(project.customerId, '0'.repeat(32)), 'Basic !!!', 'Digest x']) {
        for (const [method, url, body] of [
          ['POST', base, { url: 'ftp://bad' }],
          ['GET', base, undefined],
          ['GET', hook, undefined],
          ['PATCH', hook, {}],
          ['DELETE', hook, undefined],
          ['POST', `${hook}/rotate-secret`, undefined],
          ['GET', `${hook}/deliveries?limit=0`, undefined],
          ['POST', `${hook}/deliveries/1/redeliver`, undefined],
        ] as const) {
          const res = await call(t.url, method, url, { ...(auth ? { auth } : {}), ...(body ? { body } : {}) });
          expect(res.status, `${method} ${url} ${auth}`).toBe(401);
        }
      }
    });

    it('get 404 for another account\'s project, and for a webhook under another project of their own', async () => {
      const stranger = await t.createProject();
      const strangerAuth = basic(stranger.customerId, stranger.customerSecret!);
      expect((await call(t.url, 'GET', context.hook, { auth: strangerAuth })).status).toBe(404);
      expect((await call(t.url, 'POST', context.base, { auth: strangerAuth, body: { url: receiver.url } })).status).toBe(404);
      const sibling: CreatedProject = await t.createProject('starter', context.project.customerId);
      const crossed = await call(t.url, 'GET', `/v1/projects/${sibling.appId}/webhooks/${context.webhookId}`, { auth: context.auth });
      expect(crossed.status).toBe(404);
      expect(crossed.body.details.field).toBe('webhookId');
    });

    it('get 403 with an access token: webhooks need the Customer credentials', async () => {
      const certificate = (await t.server.services.projects.findCertificate(context.project.appId))!;
      const token = buildRtcToken({ appId: context.project.appId, appCertificate: certificate, channel: 'x', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
      expect((await call(t.url, 'GET', context.base, { auth: `Bearer ${token}` })).status).toBe(403);
    });
  });
});

describe.each(BACKENDS)('webhooks to private addresses on $name, when the server does not allow them', (backend) => {
  let t: TestServer;
  let auth: string;
  let base: string;

  beforeAll(async () => {
    t = await startTestServer(backend);
    const project = await t.createProject();
    auth = basic(project.customerId, project.customerSecret!);
    base = `/v1/projects/${project.appId}/webhooks`;
  });
  afterAll(() => t.stop());

  it.each([
    ['http://127.0.0.1:9/hooks', /127\.0\.0\.1, a loopback address/],
    ['http://localhost:9/hooks', /localhost resolves to (127\.0\.0\.1|::1), a loopback address/],
    ['http://[::1]:9/hooks', /::1, a loopback address/],
    ['http://2130706433:9/hooks', /127\.0\.0\.1, a loopback address/],
    ['http://10.0.0.5/hooks', /private/],
    ['http://192.168.1.20/hooks', /private/],
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://100.64.0.1/hooks', /carrier-grade NAT/],
    ['http://[fd00::1]/hooks', /unique-local/],
    ['http://[::ffff:10.0.0.1]/hooks', /private/],
  ])('refuses a webhook to %s with a 400 that says why and how to allow it', async (url, reason) => {
    const res = await call(t.url, 'POST', base, { auth, body: { url } });
    expect(res.status).toBe(400);
    expect(res.body.details.field).toBe('url');
    expect(res.body.details.reason).toMatch(reason);
    expect(res.body.details.reason).toMatch(/PARLEY_WEBHOOK_ALLOW_PRIVATE=true/);
  });

  it('keeps nothing of a refused webhook', async () => {
    expect((await call(t.url, 'GET', base, { auth })).body.data.webhooks).toEqual([]);
  });
});
