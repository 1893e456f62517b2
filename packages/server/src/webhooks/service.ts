/**
 * Webhook rules: registering endpoints (URL checked against the SSRF policy, secret shown once),
 * reading and redelivering their deliveries, sending one a test event, and `enqueue`, through
 * which every product puts a notice in the outbox of each endpoint that wants it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  MAX_WEBHOOKS_PER_PROJECT,
  type CreateWebhookBody,
  type Delivery,
  type DeliveryPage,
  type ListDeliveriesQuery,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookList,
  type WebhookWithSecret,
} from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { cursorCodec } from '../paging/cursor.ts';
import { CertificateCipher } from '../projects/credentials.ts';
import type { Db } from '../store/database.ts';
import { resolveDeliveryTarget, TargetRefused, type TargetPolicy } from '../net/addressPolicy.ts';
import { noticeBody, testNotice, type Notice } from './notices.ts';
import * as store from './store.ts';

export interface WebhookServiceOptions {
  /** Seals signing secrets at rest, as App Certificates are (PARLEY_SECRET_KEY). */
  secretKey: string | undefined;
  policy: TargetPolicy;
}

function newSecret(): string {
  return randomBytes(32).toString('hex');
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A delivery log's cursor: the id of the page's last delivery. */
const cursors = cursorCodec<number>((id) => [id], ([id]) => (typeof id === 'number' ? id : undefined));

export class WebhookService {
  #db: Db;
  #cipher: CertificateCipher;
  #policy: TargetPolicy;
  #wakeListeners = new Set<() => void>();

  constructor(db: Db, options: WebhookServiceOptions) {
    this.#db = db;
    this.#cipher = new CertificateCipher(options.secretKey);
    this.#policy = options.policy;
  }

  get policy(): TargetPolicy {
    return this.#policy;
  }

  /** Opens a stored (sealed) secret. */
  openSecret(sealed: string): string {
    return this.#cipher.open(sealed);
  }

  /** Called when deliveries may be due: the worker listens. */
  onWake(listener: () => void): () => void {
    this.#wakeListeners.add(listener);
    return () => this.#wakeListeners.delete(listener);
  }

  /** Tells the worker new deliveries were committed; enqueue in a transaction calls it after the commit. */
  wake(): void {
    for (const listener of this.#wakeListeners) listener();
  }

  // ------------------------------------------------------------------ endpoints

  async #checkUrl(url: string): Promise<void> {
    try {
      await resolveDeliveryTarget(url, this.#policy);
    } catch (error) {
      if (error instanceof TargetRefused) throw new DomainError('invalid_parameter', `url ${error.message}`, 'url');
      throw error;
    }
  }

  async createWebhook(appId: string, input: CreateWebhookBody): Promise<WebhookWithSecret> {
    await this.#checkUrl(input.url);
    if ((await store.countEndpoints(this.#db, appId)) >= MAX_WEBHOOKS_PER_PROJECT) {
      throw new DomainError('invalid_parameter', `A project can have at most ${MAX_WEBHOOKS_PER_PROJECT} webhooks; delete one first`, 'url');
    }
    const now = Date.now();
    const secret = newSecret();
    const enabled = input.enabled ?? true;
    const row = {
      id: `wh_${randomBytes(12).toString('hex')}`,
      app_id: appId,
      url: input.url,
      events: input.events ? JSON.stringify(input.events) : null,
      enabled: enabled ? 1 : 0,
      secret: this.#cipher.seal(secret),
      disabled_reason: enabled ? null : ('manual' as const),
      disabled_at: enabled ? null : now,
      failure_streak: 0,
      failing_since: null,
      last_success_at: null,
      created_at: now,
      updated_at: now,
    };
    await store.insertEndpoint(this.#db, row);
    return { ...toWebhook(row), secret };
  }

  async listWebhooks(appId: string): Promise<WebhookList> {
    return { webhooks: (await store.listEndpoints(this.#db, appId)).map(toWebhook) };
  }

  async #endpoint(appId: string, id: string): Promise<store.EndpointRow> {
    const row = await store.findEndpoint(this.#db, appId, id);
    if (!row) throw new DomainError('not_found', `No webhook ${id} in this project`, 'webhookId');
    return row;
  }

  async getWebhook(appId: string, id: string): Promise<Webhook> {
    return toWebhook(await this.#endpoint(appId, id));
  }

  async updateWebhook(appId: string, id: string, input: UpdateWebhookBody): Promise<Webhook> {
    const current = await this.#endpoint(appId, id);
    if (input.url !== undefined) await this.#checkUrl(input.url);
    const now = Date.now();
    const patch: Parameters<typeof store.updateEndpoint>[3] = { updated_at: now };
    if (input.url !== undefined) patch.url = input.url;
    if (input.events !== undefined) patch.events = input.events === null ? null : JSON.stringify(input.events);
    if (input.enabled === true && current.enabled === 0) {
      // A fresh start: the old streak must not turn it off again at the next failure.
      Object.assign(patch, { enabled: 1, disabled_reason: null, disabled_at: null, failure_streak: 0, failing_since: null });
    } else if (input.enabled === false && current.enabled === 1) {
      Object.assign(patch, { enabled: 0, disabled_reason: 'manual', disabled_at: now });
    }
    await store.updateEndpoint(this.#db, appId, id, patch);
    if (input.enabled === true) this.wake();
    return this.getWebhook(appId, id);
  }

  async deleteWebhook(appId: string, id: string): Promise<{ webhookId: string; deleted: true }> {
    if (!(await store.deleteEndpoint(this.#db, appId, id))) throw new DomainError('not_found', `No webhook ${id} in this project`, 'webhookId');
    return { webhookId: id, deleted: true };
  }

  async rotateSecret(appId: string, id: string): Promise<WebhookWithSecret> {
    await this.#endpoint(appId, id);
    const secret = newSecret();
    await store.updateEndpoint(this.#db, appId, id, { secret: this.#cipher.seal(secret), updated_at: Date.now() });
    return { ...(await this.getWebhook(appId, id)), secret };
  }

  // ------------------------------------------------------------------ deliveries

  async listDeliveries(appId: string, id: string, query: ListDeliveriesQuery): Promise<DeliveryPage> {
    await this.#endpoint(appId, id);
    const limit = query.limit ?? 100;
    const beforeId = query.cursor ? cursors.decode(query.cursor) : undefined;
    const rows = await store.listDeliveries(
      this.#db,
      id,
      { ...(query.state !== undefined ? { state: query.state } : {}), ...(beforeId !== undefined ? { beforeId } : {}) },
      limit + 1,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { deliveries: page.map(toDelivery), nextCursor: rows.length > limit && last ? cursors.encode(last.id) : null };
  }

  /** Queues a delivery's notice again, byte for byte, behind whatever its channel has pending. */
  async redeliver(appId: string, id: string, deliveryId: number): Promise<Delivery> {
    await this.#endpoint(appId, id);
    const original = await store.findDelivery(this.#db, id, deliveryId);
    if (!original) throw new DomainError('not_found', `No delivery ${deliveryId} of webhook ${id}`, 'deliveryId');
    const now = Date.now();
    const [newId] = await store.insertDeliveries(this.#db, [
      {
        endpoint_id: id,
        app_id: appId,
        notice_id: original.notice_id,
        event: original.event,
        product_id: original.product_id,
        event_type: original.event_type,
        channel: original.channel,
        order_key: original.order_key,
        body: original.body,
        state: 'pending',
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      },
    ]);
    this.wake();
    return toDelivery((await store.findDelivery(this.#db, id, newId!))!);
  }

  /**
   * Queues a signed test notice to one endpoint, through the normal delivery path (so it is in the
   * delivery log). An endpoint that is off is refused: the worker sends nothing to it, so the test
   * would wait there unseen.
   */
  async sendTestEvent(appId: string, id: string, now = Date.now()): Promise<Delivery> {
    const endpoint = await this.#endpoint(appId, id);
    if (endpoint.enabled === 0) {
      const why = endpoint.disabled_reason === 'failing' ? 'was turned off by the server after failing for a long time' : 'is turned off';
      throw new DomainError('conflict', `The webhook ${why}; turn it on (PATCH with enabled: true) before sending a test event`, 'enabled');
    }
    const [deliveryId] = await this.#queue([endpoint.id], testNotice(appId, id, now));
    this.wake();
    return toDelivery((await store.findDelivery(this.#db, id, deliveryId!))!);
  }

  /**
   * Puts a notice in the outbox of every enabled endpoint of its project that wants its event, in
   * `db`: pass the transaction that makes the state change the notice reports, so both commit or
   * neither does (then call wake() after the commit). Returns how many deliveries it queued.
   */
  async enqueue(notice: Notice, db: Db = this.#db): Promise<number> {
    const endpoints = (await store.enabledEndpoints(db, notice.appId)).filter(
      (endpoint) => endpoint.events === null || (JSON.parse(endpoint.events) as string[]).includes(notice.event),
    );
    if (endpoints.length === 0) return 0;
    await this.#queue(endpoints.map((endpoint) => endpoint.id), notice, db);
    if (db === this.#db) this.wake();
    return endpoints.length;
  }

  /** One delivery of `notice` per endpoint, due now; answers their ids. */
  async #queue(endpointIds: string[], notice: Notice, db: Db = this.#db): Promise<number[]> {
    // One id per notice, shared by its endpoints, kept across retries: receivers deduplicate on it.
    const noticeId = randomUUID();
    const body = noticeBody(noticeId, notice);
    const now = Date.now();
    return store.insertDeliveries(
      db,
      endpointIds.map((endpointId) => ({
        endpoint_id: endpointId,
        app_id: notice.appId,
        notice_id: noticeId,
        event: notice.event,
        product_id: notice.productId,
        event_type: notice.eventType,
        channel: notice.channel ?? null,
        order_key: notice.orderKey,
        body,
        state: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })),
    );
  }
}

function toWebhook(row: store.EndpointRow): Webhook {
  return {
    webhookId: row.id,
    url: row.url,
    events: row.events === null ? null : (JSON.parse(row.events) as string[]),
    enabled: row.enabled === 1,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failureStreak: row.failure_streak,
    failingSince: iso(row.failing_since),
    lastSuccessAt: iso(row.last_success_at),
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function toDelivery(row: store.DeliveryRow): Delivery {
  return {
    deliveryId: Number(row.id),
    noticeId: row.notice_id,
    event: row.event,
    productId: row.product_id,
    eventType: row.event_type,
    channel: row.channel,
    state: row.state,
    attempts: row.attempts,
    lastAttemptAt: iso(row.last_attempt_at),
    lastStatus: row.last_status,
    lastLatencyMs: row.last_latency_ms,
    lastError: row.last_error,
    lastResponseBody: row.last_response_body,
    nextAttemptAt: row.state === 'pending' ? iso(row.next_attempt_at) : null,
    createdAt: new Date(row.created_at).toISOString(),
    deliveredAt: iso(row.delivered_at),
    body: row.body,
  };
}
