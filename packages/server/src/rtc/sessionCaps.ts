/**
 * Caps on concurrent sessions per client address and per token, so one address or one leaked
 * token cannot take every media port of a node. A session holds its claim from join until it
 * ends, through lost sockets and resumes.
 */
import { DomainError } from '../domainError.ts';

export interface SessionCapLimits {
  perIp: number;
  perToken: number;
}

export interface SessionClaim {
  readonly ip: string;
  readonly token: string;
  release(): void;
}

export class SessionCaps {
  #limits: SessionCapLimits;
  #perIp = new Map<string, number>();
  #perToken = new Map<string, number>();

  constructor(limits: SessionCapLimits) {
    this.#limits = limits;
  }

  /**
   * Counts a new session, or throws `too_many_sessions`. `replacing` is the claim of a session
   * this one replaces (the same uid joining again), which does not count against it.
   */
  claim(ip: string, token: string, replacing?: SessionClaim): SessionClaim {
    const ipCount = (this.#perIp.get(ip) ?? 0) - (replacing?.ip === ip ? 1 : 0);
    const tokenCount = (this.#perToken.get(token) ?? 0) - (replacing?.token === token ? 1 : 0);
    if (tokenCount >= this.#limits.perToken) {
      throw new DomainError('too_many_sessions', `This token is in use by ${tokenCount} sessions already, the most allowed at once: give each user a token of their own`);
    }
    if (ipCount >= this.#limits.perIp) {
      throw new DomainError('too_many_sessions', `This address has ${ipCount} sessions open already, the most allowed at once`);
    }
    add(this.#perIp, ip, 1);
    add(this.#perToken, token, 1);
    let released = false;
    return {
      ip,
      token,
      release: () => {
        if (released) return;
        released = true;
        add(this.#perIp, ip, -1);
        add(this.#perToken, token, -1);
      },
    };
  }
}

function add(counts: Map<string, number>, key: string, delta: number): void {
  const next = (counts.get(key) ?? 0) + delta;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}
