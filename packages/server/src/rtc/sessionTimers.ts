/**
 * The timers of a session: the token's warning and expiry, and the resume window after a lost
 * socket. One place arms and clears them, so a session that ends leaves no timer behind.
 */
import { NO_TOKEN_EXPIRY, TOKEN_EXPIRY_WARNING_SECONDS } from '@parley/protocol';
import type { Participant } from './participant.ts';

interface Timers {
  warn?: NodeJS.Timeout;
  expire?: NodeJS.Timeout;
  resume?: NodeJS.Timeout;
}

export interface TokenDeadlines {
  /** TOKEN_EXPIRY_WARNING_SECONDS before the token expires. */
  willExpire(): void;
  /** At expiry. */
  didExpire(): void;
}

export class SessionTimers {
  #timers = new WeakMap<Participant, Timers>();

  #of(participant: Participant): Timers {
    let timers = this.#timers.get(participant);
    if (!timers) this.#timers.set(participant, (timers = {}));
    return timers;
  }

  /** (Re)arms the token timers from `participant.tokenExpiresAt`; a tokenless session has none. */
  armToken(participant: Participant, deadlines: TokenDeadlines, now = Date.now()): void {
    const timers = this.#of(participant);
    clearTimeout(timers.warn);
    clearTimeout(timers.expire);
    if (participant.tokenExpiresAt === NO_TOKEN_EXPIRY) return;
    const msLeft = participant.tokenExpiresAt * 1000 - now;
    timers.warn = setTimeout(deadlines.willExpire, Math.max(0, msLeft - TOKEN_EXPIRY_WARNING_SECONDS * 1000));
    timers.expire = setTimeout(deadlines.didExpire, Math.max(0, msLeft));
  }

  armResume(participant: Participant, windowMs: number, onLapse: () => void): void {
    const timers = this.#of(participant);
    clearTimeout(timers.resume);
    timers.resume = setTimeout(onLapse, windowMs);
  }

  cancelResume(participant: Participant): void {
    clearTimeout(this.#timers.get(participant)?.resume);
  }

  clear(participant: Participant): void {
    const timers = this.#timers.get(participant);
    if (!timers) return;
    for (const timer of [timers.warn, timers.expire, timers.resume]) clearTimeout(timer);
    this.#timers.delete(participant);
  }
}
