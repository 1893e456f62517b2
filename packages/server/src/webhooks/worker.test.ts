/**
 * The delivery worker against a real receiver on 127.0.0.1 and both durable stores, on a clock the
 * test moves: retries and their backoff, giving up at the horizon, per-channel order, turning a
 * dead endpoint off, claims shared by two workers, timeouts, shutdown, and the SSRF check made
 * again at each attempt.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openTestStore, refuseWrites, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { WebhookReceiver } from '../../../../test/support/webhookReceiver.ts';
import { ProjectService } from '../projects/service.ts';
import { systemResolver, type TargetPolicy } from '../net/addressPolicy.ts';
import type { Notice } from './notices.ts';
import { WebhookService } from './service.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './worker.ts';
import { quietLogger } from '../log/logger.ts';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const SECOND = 1000;
const HOUR = 3_600_000;

describe.each(STORE_KINDS)('DeliveryWorker on %s', (kind) => {
  let opened: TestStore;
  let receiver: WebhookReceiver;
  let webhooks: WebhookService;
  let appId: string;
  // Only Date is faked: the service and the worker read the same clock, sockets and timers stay real.
  let now: number;
  const setNow = (ms: number) => {
    now = ms;
    vi.setSystemTime(ms);
  };
  const advance = (ms: number) => setNow(now + ms);
  const policy: TargetPolicy = {
    allowPrivate: true,
    resolve: async (hostname) => (hostname === 'hooks.customer.test' ? [{ address: '127.0.0.1', family: 4 }] : systemResolver(hostname)),
  };
  const workers: DeliveryWorker[] = [];
  const log = { ...quietLogger, warn: vi.fn(), error: vi.fn() };

  function worker(options: Partial<DeliveryWorkerOptions> = {}): DeliveryWorker {
    const w = new DeliveryWorker({
      db: opened.store.db,
      lockRows: kind === 'postgres',
      nodeId: 'node-a',
      policy,
      openSecret: (sealed) => webhooks.openSecret(sealed),
      log,
      retryHorizonMs: HOUR,
      retryBaseMs: SECOND,
      random: () => 1,
      ...options,
    });
    workers.push(w);
    return w;
  }

  let seq = 0;
  function notice(channel: string, overrides: Partial<Notice> = {}): Notice {
    seq += 1;
    return { appId, event: 'participant.joined', productId: 1, eventType: 107, payload: { channelName: channel, n: seq }, channel, orderKey: `rtc:${channel}`, at: now, ...overrides };
  }

  async function endpoint(url = receiver.url): Promise<string> {
    const created = await webhooks.createWebhook(appId, { url });
    receiver.secret = created.secret;
    return created.webhookId;
  }

  const deliveries = async (webhookId: string) => (await webhooks.listDeliveries(appId, webhookId, {})).deliveries;

  beforeEach(async () => {
    opened = await openTestStore(kind);
    receiver = await WebhookReceiver.start();
    webhooks = new WebhookService(opened.store.db, { secretKey: 'k', policy });
    appId = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Hooks' })).appId;
    vi.useFakeTimers({ toFake: ['Date'] });
    setNow(T0);
    log.warn.mockClear();
    log.error.mockClear();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await receiver.close();
    await opened.close();
    vi.useRealTimers();
  });

  it('records a sent notice once the store takes writes again, instead of sending it again after its lease', async () => {
    // This receiver makes the store refuse writes before it answers, as a disk that fills during a send.
    let allowWrites: (() => Promise<void>) | undefined;
    let requests = 0;
    const filling = http.createServer(async (request, response) => {
      requests += 1;
      request.resume();
      allowWrites = await refuseWrites(opened.store);
      response.writeHead(200).end();
    });
    await new Promise<void>((resolve) => filling.listen(0, '127.0.0.1', resolve));
    try {
      const webhookId = await endpoint(`http://127.0.0.1:${(filling.address() as AddressInfo).port}/`);
      await webhooks.enqueue(notice('a'));
      const sending = worker().runOnce();
      await vi.waitFor(() => expect(allowWrites).toBeDefined());
      // Long enough for the outcome's first writes to be refused.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const allow = allowWrites!;
      allowWrites = undefined;
      await allow();
      await sending;
      expect(await deliveries(webhookId)).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1, lastStatus: 200 })]);
      expect(requests).toBe(1);
    } finally {
      await allowWrites?.();
      filling.closeAllConnections();
      await new Promise((resolve) => filling.close(resolve));
    }
  });

  it('retries a failing notice with doubling delays until it is answered 2xx, same bytes and noticeId each time', async () => {
    const webhookId = await endpoint();
    const statuses = [500, 503, 404, 200];
    receiver.respond = () => statuses.shift() ?? 200;
    await webhooks.enqueue(notice('a'));
    const w = worker();

    const nextAttempts: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await w.runOnce()).toBe(1);
      const [row] = await deliveries(webhookId);
      expect(row).toMatchObject({ state: 'pending', attempts: attempt, lastError: expect.stringMatching(/answered HTTP/) });
      nextAttempts.push(Date.parse(row!.nextAttemptAt!) - now);
      // Not due before its time.
      setNow(Date.parse(row!.nextAttemptAt!) - 1);
      expect(await w.runOnce()).toBe(0);
      advance(1);
    }
    expect(nextAttempts).toEqual([1 * SECOND, 2 * SECOND, 4 * SECOND]);
    expect(await w.runOnce()).toBe(1);

    const [row] = await deliveries(webhookId);
    expect(row).toMatchObject({ state: 'delivered', attempts: 4, lastStatus: 200, lastError: null, nextAttemptAt: null });
    expect(row!.lastLatencyMs).toBeGreaterThanOrEqual(0);
    expect(receiver.received.map((n) => n.status)).toEqual([500, 503, 404, 200]);
    expect(new Set(receiver.received.map((n) => n.rawBody)).size).toBe(1);
    expect(receiver.received.every((n) => n.signed)).toBe(true);
    // Success ends the failure streak.
    expect(await webhooks.getWebhook(appId, webhookId)).toMatchObject({ failureStreak: 0, failingSince: null, lastSuccessAt: new Date(now).toISOString() });
  });

  it('jitters each delay to between half and all of it', async () => {
    const webhookId = await endpoint();
    receiver.respond = () => 500;
    await webhooks.enqueue(notice('a'));
    await worker({ random: () => 0 }).runOnce();
    const [row] = await deliveries(webhookId);
    expect(Date.parse(row!.nextAttemptAt!) - now).toBe(SECOND / 2);
  });

  it('gives a notice up once the retry horizon has passed, then sends the channel\'s next one', async () => {
    const webhookId = await endpoint();
    receiver.respond = (n) => (n.body.payload.n === seq - 1 ? 500 : 200);
    await webhooks.enqueue(notice('a'));
    await webhooks.enqueue(notice('a'));
    const w = worker({ retryHorizonMs: 10 * SECOND });
    // 1 s, 2 s, 4 s, then the last try at the horizon itself.
    for (const at of [0, 1, 3, 7, 10]) {
      setNow(T0 + at * SECOND);
      expect(await w.runOnce(), `at ${at} s`).toBe(1);
    }
    const [second, first] = await deliveries(webhookId);
    expect(first).toMatchObject({ state: 'failed', attempts: 5, nextAttemptAt: null });
    expect(second).toMatchObject({ state: 'pending', attempts: 0 });
    expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ attempts: 5 }), 'webhook delivery given up');
    expect(await w.runOnce()).toBe(1);
    expect((await deliveries(webhookId))[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('sends one channel\'s notices one at a time and in order, while other channels and endpoints go ahead', async () => {
    const first = await endpoint();
    const other = await WebhookReceiver.start();
    try {
      const second = await webhooks.createWebhook(appId, { url: other.url });
      other.secret = second.secret;
      let failedOnce = false;
      receiver.respond = (n) => (n.body.payload.channelName === 'a' && !failedOnce ? ((failedOnce = true), 500) : 200);
      const a = [notice('a'), notice('a'), notice('a')];
      for (const n of a) await webhooks.enqueue(n);
      await webhooks.enqueue(notice('b'));
      const w = worker();
      const sent = (r: WebhookReceiver, channel: string) => r.received.filter((n) => n.body.payload.channelName === channel).map((n) => [n.body.payload.n, n.status]);

      // The heads of the four queues: a#1 and b#1 for each endpoint; a#1 fails at the first.
      expect(await w.runOnce()).toBe(4);
      expect(sent(receiver, 'a')).toEqual([[a[0]!.payload.n, 500]]);
      expect(sent(receiver, 'b')).toHaveLength(1);
      // Until a#1 is retried, the first endpoint gets nothing more of channel a; the second goes on.
      while ((await w.runOnce()) > 0);
      expect(sent(receiver, 'a')).toHaveLength(1);
      expect(sent(other, 'a')).toEqual(a.map((n) => [n.payload.n, 200]));
      advance(SECOND);
      while ((await w.runOnce()) > 0);
      expect(sent(receiver, 'a')).toEqual([[a[0]!.payload.n, 500], ...a.map((n) => [n.payload.n, 200])]);
      expect((await deliveries(first)).every((d) => d.state === 'delivered')).toBe(true);
      expect((await deliveries(second.webhookId)).every((d) => d.state === 'delivered')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('turns an endpoint off after 10 failed attempts in a row spanning the retry horizon, visibly, and not before', async () => {
    const webhookId = await endpoint();
    receiver.respond = () => 500;
    await webhooks.enqueue(notice('a'));
    const w = worker();
    // Ten attempts inside the first 17 minutes: a long streak, but not yet a long time.
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect(await w.runOnce()).toBe(1);
      const [row] = await deliveries(webhookId);
      setNow(Date.parse(row!.nextAttemptAt!));
    }
    expect(await webhooks.getWebhook(appId, webhookId)).toMatchObject({ enabled: true, failureStreak: 10, failingSince: new Date(T0).toISOString() });

    setNow(T0 + HOUR);
    expect(await w.runOnce()).toBe(1);
    const hook = await webhooks.getWebhook(appId, webhookId);
    expect(hook).toMatchObject({ enabled: false, disabledReason: 'failing', disabledAt: new Date(now).toISOString(), failureStreak: 11 });
    expect(log.warn).toHaveBeenCalledWith({ endpointId: webhookId }, expect.stringMatching(/turned off/));

    // Off: no new notices are queued for it and nothing is sent.
    expect(await webhooks.enqueue(notice('a'))).toBe(0);
    advance(HOUR);
    expect(await w.runOnce()).toBe(0);

    // Turned on again with a clean slate.
    const on = await webhooks.updateWebhook(appId, webhookId, { enabled: true });
    expect(on).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null, failureStreak: 0, failingSince: null });
    receiver.respond = () => 200;
    await webhooks.enqueue(notice('a'));
    while ((await w.runOnce()) > 0);
    expect(receiver.received.at(-1)!.status).toBe(200);
  });

  it('lets two workers share one outbox without sending any notice twice', async () => {
    const webhookId = await endpoint();
    for (let i = 0; i < 24; i += 1) await webhooks.enqueue(notice(`c${i}`));
    const a = worker({ nodeId: 'node-a', concurrency: 5 });
    const b = worker({ nodeId: 'node-b', concurrency: 5 });
    while ((await Promise.all([a.runOnce(), b.runOnce()])).some((n) => n > 0));
    const ids = receiver.received.map((n) => n.body.noticeId);
    expect(ids).toHaveLength(24);
    expect(new Set(ids).size).toBe(24);
    expect((await deliveries(webhookId)).every((d) => d.state === 'delivered' && d.attempts === 1)).toBe(true);
  });

  describe('with a receiver that never answers', () => {
    let silent: http.Server;
    let silentUrl: string;
    let requests = 0;
    beforeEach(async () => {
      requests = 0;
      silent = http.createServer(() => {
        requests += 1;
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
    });
    afterEach(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('counts an attempt with no answer within the timeout as failed', async () => {
      const webhookId = await endpoint(silentUrl);
      await webhooks.enqueue(notice('a'));
      await worker({ timeoutMs: 150 }).runOnce();
      expect((await deliveries(webhookId))[0]).toMatchObject({ state: 'pending', attempts: 1, lastStatus: null, lastError: 'no answer within 0.15 s' });
    });

    it('gives back the claim of a send in flight when stopped, so the next start sends it again', async () => {
      const webhookId = await endpoint(silentUrl);
      vi.useRealTimers();
      await webhooks.enqueue(notice('a'));
      const first = worker();
      await first.start();
      await vi.waitFor(() => expect(requests).toBe(1));
      await first.stop();
      expect((await deliveries(webhookId))[0]).toMatchObject({ state: 'pending', attempts: 0 });

      await webhooks.updateWebhook(appId, webhookId, { url: receiver.url });
      const second = worker();
      await second.start();
      await receiver.waitFor((r) => r.length === 1);
      await vi.waitFor(async () => expect((await deliveries(webhookId))[0]).toMatchObject({ state: 'delivered', attempts: 1 }));
    });
  });

  it('checks the address again at each attempt: a host that now resolves to a private address is refused', async () => {
    const webhookId = await endpoint(receiver.url.replace('127.0.0.1', 'hooks.customer.test'));
    await webhooks.enqueue(notice('a'));
    await worker({ policy: { allowPrivate: false, resolve: async () => [{ address: '127.0.0.1', family: 4 }] } }).runOnce();
    expect((await deliveries(webhookId))[0]).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastStatus: null,
      lastError: expect.stringMatching(/hooks\.customer\.test resolves to 127\.0\.0\.1, a loopback address/),
    });
    expect(receiver.received).toHaveLength(0);
  });
});
