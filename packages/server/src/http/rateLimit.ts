/**
 * Request limits in fixed one-minute windows, with the X-RateLimit-* headers of the bucket that
 * applied on every authenticated response and 429 + Retry-After beyond its limit.
 *
 * Two kinds of bucket, so that end users can never spend the customer's budget: Basic requests
 * (the customer's backend) count per account and plan; access-token requests (end users' clients)
 * count per project and uid, each uid with a bucket of the plan's size.
 *
 * Why not @fastify/rate-limit: its reset header counts seconds from now, while the API promises
 * the unix time at which the window resets, and its limit must run after our authentication
 * (the key and the limit depend on the caller and its plan).
 */
import type { FastifyReply } from 'fastify';
import type { TokenClaims } from '@parley/token';
import type { RateCounter } from '../live/index.ts';
import { PLAN_RATE_LIMITS, type Account } from '../projects/service.ts';
import { ApiError } from './apiError.ts';

const WINDOW_MS = 60_000;

export interface Bucket {
  key: string;
  limit: number;
  /** Who the limit is for, in the 429's reason. */
  holder: string;
}

/** Counts one request in `bucket`'s current minute; 429 past its limit. */
export async function enforce(counter: RateCounter, bucket: Bucket, reply: FastifyReply, now = Date.now()): Promise<void> {
  const { count, resetAt } = await counter.hit(bucket.key, WINDOW_MS, now);
  reply.header('X-RateLimit-Limit', bucket.limit);
  reply.header('X-RateLimit-Remaining', Math.max(0, bucket.limit - count));
  reply.header('X-RateLimit-Reset', Math.ceil(resetAt / 1000));
  if (count > bucket.limit) {
    const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
    throw new ApiError(
      'rate_limited',
      { reason: `${bucket.holder} allows ${bucket.limit} requests a minute; try again in ${retryAfter} s` },
      { 'Retry-After': String(retryAfter) },
    );
  }
}

/** The customer's own requests (Basic auth): one bucket per account, sized by its plan. */
export function enforceRateLimit(counter: RateCounter, account: Account, reply: FastifyReply, now = Date.now()): Promise<void> {
  const limit = PLAN_RATE_LIMITS[account.plan];
  return enforce(counter, { key: `account:${account.id}`, limit, holder: `The ${account.plan} plan` }, reply, now);
}

/**
 * An end user's requests (Bearer or `agora token=`): one bucket per project and uid, so one user's
 * client cannot starve another's, nor the customer's backend. A uid-0 (any uid) token counts in
 * its project's uid-0 bucket.
 */
export function enforceTokenRateLimit(counter: RateCounter, account: Account, claims: TokenClaims, reply: FastifyReply, now = Date.now()): Promise<void> {
  const uid = claims.rtc[0]?.uid ?? claims.rtm?.userId ?? '';
  const shown = uid === '' || uid === '0' ? '0' : uid;
  const limit = PLAN_RATE_LIMITS[account.plan];
  const holder = `An access token for uid ${shown} of project ${claims.appId}`;
  return enforce(counter, { key: `token:${claims.appId}:${shown}`, limit, holder }, reply, now);
}
