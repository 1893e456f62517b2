/**
 * The budget of failed authentications, per client IP and per Customer ID, in one-minute windows
 * counted in live state (so it holds across nodes with Redis). Shared by the v1 API and Agora's
 * routes; each edge renders a refusal in its own envelope.
 *
 * Why a budget is checked before the credentials: past it, even the right secret is answered 429,
 * so a guess made past the budget is never confirmed. A customer whose secret is right never
 * spends the budget; the cost is that whoever floods one Customer ID with wrong secrets holds that
 * account's requests until the minute turns, which is why its budget is larger than the IP's.
 * Nothing here sees a secret: Customer IDs are counted under a hash, which also bounds key length.
 */
import { createHash } from 'node:crypto';
import type { RateCounter } from '../live/index.ts';

const WINDOW_MS = 60_000;

export interface AuthFailureLimits {
  /** Failures a minute from one client IP (Basic and tokens alike). */
  perIp: number;
  /** Failures a minute naming one Customer ID, from anywhere. */
  perCustomerId: number;
}

/** Who presented the credentials: the client's address, and the Customer ID for Basic auth. */
export interface AuthAttempt {
  ip: string;
  customerId?: string | undefined;
}

export interface AuthRefusal {
  retryAfterSeconds: number;
  reason: string;
}

function keysOf(attempt: AuthAttempt, limits: AuthFailureLimits): Array<{ key: string; limit: number; what: string }> {
  const keys = [{ key: `authfail:ip:${attempt.ip}`, limit: limits.perIp, what: 'this address' }];
  if (attempt.customerId !== undefined) {
    const digest = createHash('sha256').update(attempt.customerId).digest('base64url').slice(0, 22);
    keys.push({ key: `authfail:customer:${digest}`, limit: limits.perCustomerId, what: 'this Customer ID' });
  }
  return keys;
}

export class AuthFailureBudget {
  #counter: RateCounter;
  #limits: AuthFailureLimits;

  constructor(counter: RateCounter, limits: AuthFailureLimits) {
    this.#counter = counter;
    this.#limits = limits;
  }

  /** Undefined while the attempt is within budget; otherwise why it is refused and for how long. */
  async check(attempt: AuthAttempt, now = Date.now()): Promise<AuthRefusal | undefined> {
    for (const { key, limit, what } of keysOf(attempt, this.#limits)) {
      if ((await this.#counter.peek(key, WINDOW_MS, now)) >= limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));
        return { retryAfterSeconds, reason: `Too many failed authentications from ${what} (${limit} a minute); try again in ${retryAfterSeconds} s` };
      }
    }
    return undefined;
  }

  /** Counts one failed authentication against every budget the attempt belongs to. */
  async recordFailure(attempt: AuthAttempt, now = Date.now()): Promise<void> {
    await Promise.all(keysOf(attempt, this.#limits).map(({ key }) => this.#counter.hit(key, WINDOW_MS, now)));
  }
}
