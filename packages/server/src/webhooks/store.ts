/**
 * Queries for webhook endpoints and their delivery outbox. The claim is the one query that differs
 * by database: PostgreSQL nodes share the outbox, so they lock what they claim (`FOR UPDATE SKIP
 * LOCKED`) and mark it with a lease; SQLite has one process, whose transaction is enough.
 */
import { sql, type ExpressionBuilder, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { Db } from '../store/database.ts';
import type { Database, WebhookDeliveryTable, WebhookEndpointTable } from '../store/schema.ts';

export type EndpointRow = Selectable<WebhookEndpointTable>;
export type DeliveryRow = Selectable<WebhookDeliveryTable>;

// ------------------------------------------------------------------ endpoints

export async function insertEndpoint(db: Db, row: Insertable<WebhookEndpointTable>): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export function listEndpoints(db: Db, appId: string): Promise<EndpointRow[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
}

export async function countEndpoints(db: Db, appId: string): Promise<number> {
  const row = await db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('app_id', '=', appId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

export function findEndpoint(db: Db, appId: string, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
}

export async function updateEndpoint(db: Db, appId: string, id: string, patch: Updateable<WebhookEndpointTable>): Promise<boolean> {
  const result = await db.updateTable('webhook_endpoints').set(patch).where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export function deleteEndpoint(db: Db, appId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const endpoint = await trx.selectFrom('webhook_endpoints').select('id').where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    if (!endpoint) return false;
    // Deliveries first, then the endpoint: the order in which the worker's recordAttempt locks
    // them, so the two never deadlock (the cascade alone would lock the endpoint first).
    await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
    const result = await trx.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

/** The endpoints that take new notices: enabled ones, with their event filters. */
export function enabledEndpoints(db: Db, appId: string): Promise<Array<Pick<EndpointRow, 'id' | 'events'>>> {
  return db.selectFrom('webhook_endpoints').select(['id', 'events']).where('app_id', '=', appId).where('enabled', '=', 1).execute();
}

// ------------------------------------------------------------------ deliveries

export async function insertDeliveries(db: Db, rows: Array<Insertable<WebhookDeliveryTable>>): Promise<number[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('webhook_deliveries').values(rows).returning('id').execute();
  return inserted.map((row) => Number(row.id));
}

export function findDelivery(db: Db, endpointId: string, id: number): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId).where('id', '=', id).executeTakeFirst();
}

/** An endpoint's deliveries, newest first, below `beforeId`. */
export function listDeliveries(db: Db, endpointId: string, filter: { state?: DeliveryRow['state']; beforeId?: number }, limit: number): Promise<DeliveryRow[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/** No older pending notice waits in the same (endpoint, order key) queue. */
function isHeadOfQueue(eb: ExpressionBuilder<Database & { d: WebhookDeliveryTable }, 'd'>) {
  return eb.not(
    eb.exists(
      eb
        .selectFrom('webhook_deliveries as p')
        .select('p.id')
        .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
        .whereRef('p.order_key', '=', 'd.order_key')
        .where('p.state', '=', 'pending')
        .whereRef('p.id', '<', 'd.id'),
    ),
  );
}

export interface ClaimedDelivery {
  id: number;
  endpointId: string;
  url: string;
  /** Sealed, as stored. */
  secret: string;
  body: string;
  attempts: number;
  createdAt: number;
  /** The claim's token: results are written only while it still holds. */
  leaseUntil: number;
}

export interface ClaimOptions {
  now: number;
  limit: number;
  leaseUntil: number;
  nodeId: string;
  /** PostgreSQL: lock claimed rows so concurrent nodes skip them. */
  lockRows: boolean;
}

/**
 * Claims up to `limit` due deliveries of enabled endpoints, each the oldest pending one of its
 * (endpoint, order key) queue, so a channel's next notice waits until the previous is delivered
 * or given up.
 */
export function claimDue(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const { now, limit, leaseUntil, nodeId, lockRows } = options;
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select('d.id')
      .where('d.state', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', now)]))
      .where('e.enabled', '=', 1)
      .where(isHeadOfQueue)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(limit);
    if (lockRows) query = query.forUpdate('d').skipLocked();
    const ids = (await query.execute()).map((row) => Number(row.id));
    if (ids.length === 0) return [];
    await trx.updateTable('webhook_deliveries').set({ lease_until: leaseUntil, claimed_by: nodeId }).where('id', 'in', ids).execute();
    const rows = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
      .select(['d.id', 'd.endpoint_id', 'e.url', 'e.secret', 'd.body', 'd.attempts', 'd.created_at'])
      .where('d.id', 'in', ids)
      .orderBy('d.id')
      .execute();
    return rows.map((row) => ({
      id: Number(row.id),
      endpointId: row.endpoint_id,
      url: row.url,
      secret: row.secret,
      body: row.body,
      attempts: row.attempts,
      createdAt: row.created_at,
      leaseUntil,
    }));
  });
}

export interface AttemptOutcome {
  at: number;
  status: number | null;
  latencyMs: number;
  error: string | null;
  responseBody: string | null;
  /** Set for a success or a final failure; otherwise when to try again. */
  state: 'delivered' | 'failed' | 'pending';
  nextAttemptAt: number;
}

/**
 * Writes an attempt's result, and the endpoint's failure streak, if the claim still holds (a node
 * that took too long must not overwrite a newer claim). Returns whether it was written.
 */
export function recordAttempt(db: Db, claim: ClaimedDelivery, outcome: AttemptOutcome): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('webhook_deliveries')
      .set({
        state: outcome.state,
        attempts: claim.attempts + 1,
        last_attempt_at: outcome.at,
        last_status: outcome.status,
        last_latency_ms: outcome.latencyMs,
        last_error: outcome.error,
        last_response_body: outcome.responseBody,
        next_attempt_at: outcome.nextAttemptAt,
        delivered_at: outcome.state === 'delivered' ? outcome.at : null,
        lease_until: null,
        claimed_by: null,
      })
      .where('id', '=', claim.id)
      .where('lease_until', '=', claim.leaseUntil)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    const endpoint = trx.updateTable('webhook_endpoints').where('id', '=', claim.endpointId);
    if (outcome.state === 'delivered') {
      await endpoint.set({ failure_streak: 0, failing_since: null, last_success_at: outcome.at }).execute();
    } else {
      await endpoint
        .set((eb) => ({ failure_streak: eb('failure_streak', '+', 1), failing_since: eb.fn.coalesce('failing_since', sql.lit(outcome.at)) }))
        .execute();
    }
    return true;
  });
}

/** Turns an endpoint off when its streak is long enough in count and in time; true when it did. */
export async function disableIfFailing(db: Db, endpointId: string, now: number, minFailures: number, minFailingMs: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_endpoints')
    .set({ enabled: 0, disabled_reason: 'failing', disabled_at: now, updated_at: now })
    .where('id', '=', endpointId)
    .where('enabled', '=', 1)
    .where('failure_streak', '>=', minFailures)
    .where('failing_since', '<=', now - minFailingMs)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives back a claim without counting an attempt (the worker stopped mid-send). */
export async function releaseClaim(db: Db, claim: ClaimedDelivery): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: null, claimed_by: null })
    .where('id', '=', claim.id)
    .where('lease_until', '=', claim.leaseUntil)
    .execute();
}

/** Claims a node held when it stopped without releasing them (a crash): free at once, not at lease expiry. */
export async function releaseClaimsOfNode(db: Db, nodeId: string): Promise<number> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: null, claimed_by: null })
    .where('state', '=', 'pending')
    .where('claimed_by', '=', nodeId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When the next claim can succeed: the earliest head of a queue falls due or its lapsed claim frees. */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select((eb) =>
      eb.fn
        .min<number>(eb.case().when('d.lease_until', '>', eb.ref('d.next_attempt_at')).then(eb.ref('d.lease_until')).else(eb.ref('d.next_attempt_at')).end())
        .as('due'),
    )
    .where('d.state', '=', 'pending')
    .where('e.enabled', '=', 1)
    .where(isHeadOfQueue)
    .executeTakeFirst();
  return row?.due === null || row?.due === undefined ? undefined : Number(row.due);
}

/** Deletes delivered and failed rows made before `before`; pending ones always stay. */
export async function pruneFinished(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('webhook_deliveries').where('created_at', '<', before).where('state', '!=', 'pending').executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ------------------------------------------------------------------ recording notice numbers

/**
 * The next 0-based `sequence` of a recording task's notices. Run in the transaction that queues
 * the notice: the count rises only if the notice is committed, and a concurrent writer of the same
 * task waits on the row (PostgreSQL) or the connection (SQLite) rather than reading the same count.
 */
export async function nextRecordingSequence(db: Db, sid: string): Promise<number> {
  const row = await db
    .insertInto('recording_notice_sequences')
    .values({ sid, issued: 1 })
    .onConflict((oc) => oc.column('sid').doUpdateSet((eb) => ({ issued: eb('recording_notice_sequences.issued', '+', 1) })))
    .returning('issued')
    .executeTakeFirstOrThrow();
  return Number(row.issued) - 1;
}
