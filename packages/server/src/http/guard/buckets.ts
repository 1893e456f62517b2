/**
 * Request budgets in fixed windows, counted in live state (memory or Redis), with the
 * X-RateLimit-* headers of the bucket that applied on every answer and a refusal past its limit.
 *
 * Which bucket a request spends is the edge's rate policy: the v1 API counts the customer's
 * requests per account and plan, and end users' per project and uid (so they can never spend the
 * customer's budget); Agora's routes count per account and API each second, as Agora's gateway;
 * open routes count per client address.
 *
 * Why not @fastify/rate-limit: its reset header counts seconds from now, while the API promises
 * the unix time at which the window resets, and the key and limit depend on who the caller is,
 * which only the guard knows.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RateCounter } from '../../live/index.ts';
import { andThen, type MaybeAsync } from '../../maybeAsync.ts';
import { normalizeIp } from '../../net/clientAddress.ts';
import { PLAN_RATE_LIMITS, type Account } from '../../projects/service.ts';
import type { Caller } from './caller.ts';
import { Refusal } from './refusal.ts';

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

export interface Bucket {
  key: string;
  limit: number;
  windowMs: number;
  /** Who the limit is for, in the refusal's reason. */
  holder: string;
  /** Whether answers carry `X-RateLimit-Reset` (Agora's gateway sends only limit and remaining). */
  resetHeader: boolean;
}

/** Which bucket a request spends, if any. */
export type RatePolicy = (caller: Caller, request: FastifyRequest) => Bucket | undefined;

/** Counts one request in `bucket`'s current window; a `rate_limited` refusal past its limit. */
export function spend(counter: RateCounter, bucket: Bucket, reply: FastifyReply, now = Date.now()): MaybeAsync<void> {
  return andThen(counter.hit(bucket.key, bucket.windowMs, now), ({ count, resetAt }) => {
    // Header names in lower case, as Fastify stores them: it lowercases every name it is given,
    // and a name that is already so costs no new string.
    reply.header('x-ratelimit-limit', bucket.limit);
    reply.header('x-ratelimit-remaining', Math.max(0, bucket.limit - count));
    if (bucket.resetHeader) reply.header('x-ratelimit-reset', Math.ceil(resetAt / 1000));
    if (count > bucket.limit) {
      const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
      const per = bucket.windowMs === MINUTE_MS ? 'a minute' : 'a second';
      throw new Refusal('rate_limited', `${bucket.holder} allows ${bucket.limit} requests ${per}; try again in ${retryAfter} s`, retryAfter);
    }
  });
}

/**
 * Requests a minute one signed-in console user may make. A console page loads three to six
 * resources, so a Starter plan's 100 would stop someone going through the pages at a brisk pace
 * (measured: the console's axe test, four passes over eleven pages in a minute, met 429s); still
 * bounded, so a stolen session cannot hammer the API.
 */
export const CONSOLE_USER_RATE_LIMIT = 600;

/**
 * v1: the customer's own requests (Basic) in one bucket per account, sized by its plan; an end
 * user's (Bearer or `agora token=`) in one per project and uid, each the plan's size. A uid-0
 * (any uid) token counts in its project's uid-0 bucket.
 */
export const v1RatePolicy: RatePolicy = (caller) => {
  if (caller.kind === 'anonymous') return undefined;
  // The hot case first: its bucket is made once per cached account.
  if (caller.kind === 'customer') return customerBucket(caller.account);
  const { plan } = caller.account;
  const limit = PLAN_RATE_LIMITS[plan];
  // A console user's requests count apart from the backend's, so clicking around never spends its
  // budget; and at a person's pace rather than the plan's, since every console page makes several.
  if (caller.kind === 'user') {
    const perUser = Math.max(limit, CONSOLE_USER_RATE_LIMIT);
    return { key: `user:${caller.user.id}`, limit: perUser, windowMs: MINUTE_MS, holder: 'A console user', resetHeader: true };
  }
  const { claims } = caller;
  const uid = claims.rtc[0]?.uid ?? claims.rtm?.userId ?? '';
  const shown = uid === '' || uid === '0' ? '0' : uid;
  const holder = `An access token for uid ${shown} of project ${claims.appId}`;
  return { key: `token:${claims.appId}:${shown}`, limit, windowMs: MINUTE_MS, holder, resetHeader: true };
};

/**
 * A customer's bucket, made once per cached account object (projects/service.ts caches them for
 * seconds) rather than on every request: the same key string each time is hashed once, where a
 * new one costs building, flattening and hashing before the counter's map can find it.
 */
const customerBuckets = new WeakMap<Account, Bucket>();

function customerBucket(account: Account): Bucket {
  let bucket = customerBuckets.get(account);
  if (!bucket) {
    bucket = { key: `account:${account.id}`, limit: PLAN_RATE_LIMITS[account.plan], windowMs: MINUTE_MS, holder: `The ${account.plan} plan`, resetHeader: true };
    customerBuckets.set(account, bucket);
  }
  return bucket;
}

/** Agora's routes: per account and API, in one-second windows; the route names its API and limit. */
export const agoraRatePolicy: RatePolicy = (caller, request) => {
  const rate = request.routeOptions.config.guard?.rate;
  if (caller.kind !== 'customer' || !rate) return undefined;
  return { key: `agora:${rate.api}:${caller.account.id}`, limit: rate.limit, windowMs: SECOND_MS, holder: `The ${rate.api} API`, resetHeader: false };
};

/** Open routes: `limit` requests a minute per client address. */
export function perAddressRatePolicy(name: string, limit: number, holder: string): RatePolicy {
  return (_caller, request) => ({ key: `${name}:${normalizeIp(request.ip)}`, limit, windowMs: MINUTE_MS, holder, resetHeader: true });
}
