/**
 * Per-account request limits by plan, in fixed one-minute windows, with the X-RateLimit-*
 * headers on every authenticated response and 429 + Retry-After beyond the limit.
 *
 * Why not @fastify/rate-limit: its reset header counts seconds from now, while the API promises
 * the unix time at which the window resets, and its limit must run after our authentication
 * (the key and the limit depend on the account and its plan).
 */
import type { FastifyReply } from 'fastify';
import type { RateCounter } from '../live/index.ts';
import { PLAN_RATE_LIMITS, type Account } from '../projects/service.ts';
import { ApiError } from './apiError.ts';

const WINDOW_MS = 60_000;

export async function enforceRateLimit(counter: RateCounter, account: Account, reply: FastifyReply, now = Date.now()): Promise<void> {
  const limit = PLAN_RATE_LIMITS[account.plan];
  const { count, resetAt } = await counter.hit(`account:${account.id}`, WINDOW_MS, now);
  const resetSeconds = Math.ceil(resetAt / 1000);
  reply.header('X-RateLimit-Limit', limit);
  reply.header('X-RateLimit-Remaining', Math.max(0, limit - count));
  reply.header('X-RateLimit-Reset', resetSeconds);
  if (count > limit) {
    const retryAfter = Math.max(1, Math.ceil((resetAt - now) / 1000));
    throw new ApiError(
      'rate_limited',
      { reason: `The ${account.plan} plan allows ${limit} requests a minute; try again in ${retryAfter} s` },
      { 'Retry-After': String(retryAfter) },
    );
  }
}
