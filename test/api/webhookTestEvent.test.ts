/**
 * "Send test event" over real HTTP on both backends, with a real receiver on 127.0.0.1: the test
 * notice reaches the one webhook asked for, signed like every notice, through the outbox (so the
 * delivery log shows its status, latency and retries); a webhook that is off is refused with the
 * reason; and every way of calling it wrong answers in the error envelope.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Delivery } from '@parley/protocol';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { addConsoleUser, signIn } from '../support/consoleUsers.ts';
import { basic, call } from '../support/server.ts';
import { useWebhookServer } from '../support/webhookReceiver.ts';

describe.each(BACKENDS)('webhook test events on $name', (backend) => {
  const server = useWebhookServer(backend);

  /** A project of its own with a webhook to the receiver. */
  async function newWebhook(body: Record<string, unknown> = {}) {
    const project = await server.t.createProject('enterprise');
    const auth = basic(project.customerId, project.customerSecret!);
    const created = await call(server.t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: server.receiver.url, ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    server.receiver.secret = created.body.data.secret;
    const webhookId: string = created.body.data.webhookId;
    return { project, auth, webhookId, hook: `/v1/projects/${project.appId}/webhooks/${webhookId}` };
  }

  /** The webhook's delivery log, once `check` holds over it. */
  const deliveriesWhen = (auth: string, hook: string, check: (deliveries: Delivery[]) => void) =>
    vi.waitFor(async () => {
      const deliveries = (await call(server.t.url, 'GET', `${hook}/deliveries`, { auth })).body.data.deliveries as Delivery[];
      check(deliveries);
      return deliveries;
    });

  it('sends a signed test notice to that webhook alone, whatever events it takes, and logs the delivery', async () => {
    const { project, auth, webhookId, hook } = await newWebhook({ events: ['participant.left'] });
    // A second webhook of the project, to the same receiver: it must get nothing.
    await call(server.t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: server.receiver.url } });
    const sent = await call(server.t.url, 'POST', `${hook}/test`, { auth });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expect(sent.body.data).toMatchObject({ deliveryId: expect.any(Number), event: 'webhook.test', productId: 0, eventType: 0, channel: null, state: 'pending', attempts: 0 });

    await server.receiver.waitFor((r) => r.length === 1);
    const [notice] = server.receiver.received;
    expect(notice!.signed).toBe(true);
    expect(notice!.headers['agora-signature']).toMatch(/^[0-9a-f]{40}$/);
    expect(notice!.headers['agora-signature-v2']).toMatch(/^[0-9a-f]{64}$/);
    expect(notice!.rawBody).toBe(sent.body.data.body);
    expect(notice!.body).toEqual({
      noticeId: sent.body.data.noticeId,
      productId: 0,
      eventType: 0,
      notifyMs: expect.any(Number),
      payload: { webhookId, projectId: project.appId, message: expect.stringMatching(/test event/) },
    });

    const [logged] = await deliveriesWhen(auth, hook, (deliveries) => expect(deliveries[0]?.state).toBe('delivered'));
    expect(logged).toMatchObject({ deliveryId: sent.body.data.deliveryId, event: 'webhook.test', attempts: 1, lastStatus: 200, lastError: null, lastResponseBody: '{"ok":true}', nextAttemptAt: null });
    expect(logged!.lastLatencyMs).toBeGreaterThanOrEqual(0);
    // Given time to misbehave, nothing else arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.receiver.received).toHaveLength(1);
  });

  it('shows a failing answer in the delivery log and retries the test notice like any other', async () => {
    const { auth, hook } = await newWebhook();
    let calls = 0;
    server.receiver.respond = () => (++calls === 1 ? 503 : 200);
    const sent = await call(server.t.url, 'POST', `${hook}/test`, { auth });
    await server.receiver.waitFor((r) => r.some((n) => n.status === 200));
    expect(server.receiver.received.map((n) => n.status)).toEqual([503, 200]);
    expect(server.receiver.received[1]!.rawBody).toBe(server.receiver.received[0]!.rawBody);
    const [logged] = await deliveriesWhen(auth, hook, (deliveries) => expect(deliveries[0]?.state).toBe('delivered'));
    expect(logged).toMatchObject({ deliveryId: sent.body.data.deliveryId, attempts: 2, lastStatus: 200 });
  });

  it('refuses a webhook that is off with 409 and the reason, and queues nothing', async () => {
    const { auth, hook, webhookId } = await newWebhook({ enabled: false });
    const refused = await call(server.t.url, 'POST', `${hook}/test`, { auth });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ code: 409, message: expect.any(String), details: { field: 'enabled', reason: expect.stringMatching(/is turned off; turn it on \(PATCH with enabled: true\)/) } });
    expect((await call(server.t.url, 'GET', `${hook}/deliveries`, { auth })).body.data.deliveries).toEqual([]);

    // Turned off by the server for failing: said so.
    await server.t.server.services.store.db.updateTable('webhook_endpoints').set({ enabled: 0, disabled_reason: 'failing' }).where('id', '=', webhookId).execute();
    expect((await call(server.t.url, 'POST', `${hook}/test`, { auth })).body.details.reason).toMatch(/turned off by the server after failing/);
    // On again, it sends.
    expect((await call(server.t.url, 'PATCH', hook, { auth, body: { enabled: true } })).status).toBe(200);
    expect((await call(server.t.url, 'POST', `${hook}/test`, { auth })).status).toBe(200);
    await server.receiver.waitFor((r) => r.length === 1);
  });

  it('refuses missing, malformed and unauthorized requests in the error envelope', async () => {
    const { project, auth, hook, webhookId } = await newWebhook();
    const path = (appId: string, id: string) => `/v1/projects/${appId}/webhooks/${id}/test`;

    const malformed = await call(server.t.url, 'POST', path(project.appId, 'wh_nothex'), { auth });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ code: 400, message: expect.any(String), details: { field: 'webhookId', reason: expect.any(String) } });
    const missing = await call(server.t.url, 'POST', path(project.appId, `wh_${'0'.repeat(24)}`), { auth });
    expect(missing.status).toBe(404);
    expect(missing.body.details).toEqual({ field: 'webhookId', reason: expect.stringMatching(/No webhook/) });
    expect((await call(server.t.url, 'GET', `${hook}/test`, { auth })).status).toBe(405);

    for (const wrong of [undefined, basic(project.customerId, '0'.repeat(32)), 'Digest x']) {
      const res = await call(server.t.url, 'POST', `${hook}/test`, wrong ? { auth: wrong } : {});
      expect(res.status, String(wrong)).toBe(401);
      expect(res.body.details).toEqual({ field: 'Authorization', reason: expect.any(String) });
    }
    const certificate = (await server.t.server.services.projects.findCertificate(project.appId))!;
    const token = buildRtcToken({ appId: project.appId, appCertificate: certificate, channel: 'x', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
    expect((await call(server.t.url, 'POST', `${hook}/test`, { auth: `Bearer ${token}` })).status).toBe(403);

    // Another account's project, and this webhook under a sibling project, answer like missing ones.
    const stranger: CreatedProject = await server.t.createProject();
    expect((await call(server.t.url, 'POST', `${hook}/test`, { auth: basic(stranger.customerId, stranger.customerSecret!) })).status).toBe(404);
    const sibling = await server.t.createProject('starter', project.customerId);
    expect((await call(server.t.url, 'POST', path(sibling.appId, webhookId), { auth })).body.details.field).toBe('webhookId');

    // From the console: an admin may send one, a viewer may not.
    await addConsoleUser(server.t, project, `viewer-${backend.store}@example.com`, 'viewer');
    await addConsoleUser(server.t, project, `admin-${backend.store}@example.com`, 'admin');
    const viewer = await signIn(server.t, `viewer-${backend.store}@example.com`);
    const byViewer = await call(server.t.url, 'POST', `${hook}/test`, { headers: viewer.headers() });
    expect(byViewer.status).toBe(403);
    expect(byViewer.body.details.reason).toMatch(/Your role \(viewer\) cannot do this/);
    const admin = await signIn(server.t, `admin-${backend.store}@example.com`);
    expect((await call(server.t.url, 'POST', `${hook}/test`, { headers: admin.headers() })).status).toBe(200);
  });
});
