/**
 * How many signaling messages one socket may send: a token bucket per socket, with a smaller one
 * for the messages that cost the server real work (offers, token checks). A client that keeps
 * sending past its budget is flooding, not bursting, and is disconnected (FloodWatch, which the
 * data channel's relay uses too).
 */
import { COSTLY_SIGNALING_MESSAGES, SIGNALING_LIMITS } from '@parley/protocol';

export class TokenBucket {
  #capacity: number;
  #perSecond: number;
  #tokens: number;
  #updatedAt: number;

  constructor(capacity: number, perSecond: number, now = Date.now()) {
    this.#capacity = capacity;
    this.#perSecond = perSecond;
    this.#tokens = capacity;
    this.#updatedAt = now;
  }

  take(now = Date.now()): boolean {
    // A clock step backwards refills nothing.
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#tokens = Math.min(this.#capacity, this.#tokens + (elapsed / 1000) * this.#perSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** The rates are the protocol's (SIGNALING_LIMITS says why they are what they are). */
const ALL_MESSAGES = SIGNALING_LIMITS.allMessages;
const COSTLY_MESSAGES = SIGNALING_LIMITS.costlyMessages;
const COSTLY: ReadonlySet<string> = new Set<string>(COSTLY_SIGNALING_MESSAGES);
/** A socket that has more than this many messages dropped within DROP_WINDOW_MS is closed. */
const DROPS_BEFORE_CLOSE = SIGNALING_LIMITS.dropsBeforeClose;
const DROP_WINDOW_MS = SIGNALING_LIMITS.dropWindowMs;

export type BudgetVerdict = 'accept' | 'drop' | 'disconnect';

/**
 * Counts the drops of one sender: a sender past DROPS_BEFORE_CLOSE drops within DROP_WINDOW_MS is
 * flooding, not bursting, and is cut off. Signaling sockets and data channels share the rule.
 */
export class FloodWatch {
  #drops = 0;
  #windowStart = 0;

  /** Counts a drop: 'disconnect' once the sender keeps on past the limit. */
  drop(now = Date.now()): 'drop' | 'disconnect' {
    if (now - this.#windowStart > DROP_WINDOW_MS) {
      this.#windowStart = now;
      this.#drops = 0;
    }
    this.#drops += 1;
    return this.#drops > DROPS_BEFORE_CLOSE ? 'disconnect' : 'drop';
  }

  /** True right after the first drop of a window: the sender hears (or the log tells) once, not once per message. */
  get justStartedDropping(): boolean {
    return this.#drops === 1;
  }
}

export class MessageBudget {
  #all: TokenBucket;
  #costly: TokenBucket;
  #flood = new FloodWatch();

  constructor(now = Date.now()) {
    this.#all = new TokenBucket(ALL_MESSAGES.capacity, ALL_MESSAGES.perSecond, now);
    this.#costly = new TokenBucket(COSTLY_MESSAGES.capacity, COSTLY_MESSAGES.perSecond, now);
  }

  /** Any message, before it is even parsed: a flood costs no JSON parsing. */
  admit(now = Date.now()): BudgetVerdict {
    return this.#all.take(now) ? 'accept' : this.#flood.drop(now);
  }

  /** A parsed message of a type that costs the server real work. */
  admitCostly(type: string, now = Date.now()): BudgetVerdict {
    return !COSTLY.has(type) || this.#costly.take(now) ? 'accept' : this.#flood.drop(now);
  }

  /** True right after the first drop of a window: the client hears once, not once per message. */
  get justStartedDropping(): boolean {
    return this.#flood.justStartedDropping;
  }
}
