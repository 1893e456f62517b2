/**
 * The budget of failed authentications, per client IP and per Customer ID, in one-minute windows
 * counted in live state (so it holds across nodes with Redis). Shared by the v1 API and Agora's
 * routes; each edge renders a refusal in its own envelope.
 *
 * The two budgets differ in what they stop. An address past its budget is refused before its
 * credentials are checked, the right ones too: that address is guessing. A Customer ID past its
 * budget only turns further failures into 429s; its right secret still works, so a stranger who
 * knows a Customer ID cannot lock its backend out. Confirming a guess costs nothing there: a
 * Customer Secret is 128 random bits, which no budget of guesses reaches.
 * Nothing here sees a secret: Customer IDs are counted under a hash, which also bounds key length.
 */
import { createHash } from 'node:crypto';
import type { RateCounter } from '../../live/index.ts';
import { andThen, type MaybeAsync } from '../../maybeAsync.ts';
import { normalizeIp } from '../../net/clientAddress.ts';

const WINDOW_MS = 60_000;
/**
 * How long an address seen within its budget is taken to stay so without asking live state again.
 * Every authenticated request checks its address, and with Redis that was one round trip of the
 * request's three (bench:api); failures this node records forget the address at once, so only
 * failures counted by other nodes reach it up to this late.
 */
const CLEAN_ADDRESS_MS = 1_000;
/** Addresses remembered as clean at most; past it the memory starts afresh (a flood of addresses costs peeks, not memory). */
const CLEAN_ADDRESSES_MAX = 10_000;

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

/** `address` as normalizeIp gives it. */
function addressKey(address: string, limits: AuthFailureLimits): { key: string; limit: number; what: string } {
  return { key: `authfail:ip:${address}`, limit: limits.perIp, what: 'this address' };
}

function keysOf(attempt: AuthAttempt, limits: AuthFailureLimits): Array<{ key: string; limit: number; what: string }> {
  const keys = [addressKey(normalizeIp(attempt.ip), limits)];
  if (attempt.customerId !== undefined) {
    const digest = createHash('sha256').update(attempt.customerId).digest('base64url').slice(0, 22);
    keys.push({ key: `authfail:customer:${digest}`, limit: limits.perCustomerId, what: 'this Customer ID' });
  }
  return keys;
}

export class AuthFailureBudget {
  #counter: RateCounter;
  #limits: AuthFailureLimits;
  /**
   * Address (normalized) → until when it counts as within its budget without a peek. Keyed by the
   * address itself, so the lookup builds no string: a connection's address is one string object,
   * hashed once, and normalizing one already normal returns it (the counter's key is built only
   * for a peek).
   */
  #clean = new Map<string, number>();

  constructor(counter: RateCounter, limits: AuthFailureLimits) {
    this.#counter = counter;
    this.#limits = limits;
  }

  /** Before the credentials are checked: why this address is refused, if it has spent its budget. */
  checkAddress(attempt: AuthAttempt, now = Date.now()): MaybeAsync<AuthRefusal | undefined> {
    // The address budget alone: every authenticated request passes here, and hashing the
    // Customer ID for a key it does not read was a measurable share of the request (bench:api).
    const ip = normalizeIp(attempt.ip);
    const cleanUntil = this.#clean.get(ip);
    if (cleanUntil !== undefined && now < cleanUntil) return undefined;
    const address = addressKey(ip, this.#limits);
    return andThen(this.#counter.peek(address.key, WINDOW_MS, now), (failures) => {
      if (failures >= address.limit) return refusal(address, now);
      if (this.#clean.size >= CLEAN_ADDRESSES_MAX) this.#clean.clear();
      this.#clean.set(ip, now + CLEAN_ADDRESS_MS);
      return undefined;
    });
  }

  /**
   * Counts one failed authentication against every budget the attempt belongs to; when that goes
   * past one of them, the refusal (429) that answers instead of the failure (401).
   */
  async recordFailure(attempt: AuthAttempt, now = Date.now()): Promise<AuthRefusal | undefined> {
    const budgets = keysOf(attempt, this.#limits);
    this.#clean.delete(normalizeIp(attempt.ip));
    const counts = await Promise.all(budgets.map(({ key }) => this.#counter.hit(key, WINDOW_MS, now)));
    const spent = budgets.find((budget, i) => counts[i]!.count > budget.limit);
    return spent ? refusal(spent, now) : undefined;
  }
}

function refusal(budget: { limit: number; what: string }, now: number): AuthRefusal {
  const retryAfterSeconds = Math.max(1, Math.ceil((WINDOW_MS - (now % WINDOW_MS)) / 1000));
  return { retryAfterSeconds, reason: `Too many failed authentications from ${budget.what} (${budget.limit} a minute); try again in ${retryAfterSeconds} s` };
}
