/**
 * The budget of failed sign-ins, per email and per client address, in 15-minute windows counted in
 * live state (so it holds across nodes with Redis). Five wrong passwords for one email refuse
 * further attempts on it until the window ends — a guesser gets 20 tries an hour, and the real
 * user is locked out for at most 15 minutes, never for good. An address gets 30 failures a window
 * whatever emails it tries. Emails are counted under a hash.
 */
import { createHash } from 'node:crypto';
import type { RateCounter } from '../live/index.ts';
import { normalizeIp } from '../net/clientAddress.ts';
import { normalizeEmail } from './users.ts';

const WINDOW_MS = 15 * 60_000;
export const SIGN_IN_LIMITS = { perEmail: 5, perIp: 30 } as const;

export interface SignInRefusal {
  retryAfterSeconds: number;
  reason: string;
}

function budgets(email: string, ip: string) {
  const digest = createHash('sha256').update(normalizeEmail(email)).digest('base64url').slice(0, 22);
  return [
    { key: `signin:email:${digest}`, limit: SIGN_IN_LIMITS.perEmail, what: 'this email' },
    { key: `signin:ip:${normalizeIp(ip)}`, limit: SIGN_IN_LIMITS.perIp, what: 'this address' },
  ];
}

function refusal(what: string, limit: number, now: number): SignInRefusal {
  const retryAfterSeconds = Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));
  return { retryAfterSeconds, reason: `Too many failed sign-ins for ${what} (${limit} in 15 minutes); try again in ${retryAfterSeconds} s` };
}

export class SignInThrottle {
  #counter: RateCounter;

  constructor(counter: RateCounter) {
    this.#counter = counter;
  }

  /** Before the password is checked: why this attempt is refused, if a budget is spent. */
  async check(email: string, ip: string, now = Date.now()): Promise<SignInRefusal | undefined> {
    for (const budget of budgets(email, ip)) {
      if ((await this.#counter.peek(budget.key, WINDOW_MS, now)) >= budget.limit) return refusal(budget.what, budget.limit, now);
    }
    return undefined;
  }

  async recordFailure(email: string, ip: string, now = Date.now()): Promise<void> {
    await Promise.all(budgets(email, ip).map(({ key }) => this.#counter.hit(key, WINDOW_MS, now)));
  }
}
