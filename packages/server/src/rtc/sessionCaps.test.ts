import { describe, expect, it } from 'vitest';
import { SessionCaps } from './sessionCaps.ts';

describe('session caps', () => {
  it('refuses a session past the per-token cap, naming the token as the reason', () => {
    const caps = new SessionCaps({ perIp: 10, perToken: 2 });
    caps.claim('198.18.0.1', 'T');
    caps.claim('198.18.0.2', 'T');
    expect(() => caps.claim('198.18.0.3', 'T')).toThrow(/token is in use by 2 sessions/);
    expect(() => caps.claim('198.18.0.3', 'U')).not.toThrow();
  });

  it('refuses a session past the per-address cap and admits again after a release', () => {
    const caps = new SessionCaps({ perIp: 2, perToken: 10 });
    const first = caps.claim('198.18.0.1', 'A');
    caps.claim('198.18.0.1', 'B');
    expect(() => caps.claim('198.18.0.1', 'C')).toThrow(/address has 2 sessions/);
    first.release();
    first.release();
    caps.claim('198.18.0.1', 'C');
    expect(() => caps.claim('198.18.0.1', 'D')).toThrow(/address/);
  });

  it('does not count the session a rejoin replaces', () => {
    const caps = new SessionCaps({ perIp: 1, perToken: 1 });
    const old = caps.claim('198.18.0.1', 'T');
    expect(() => caps.claim('198.18.0.1', 'T')).toThrow();
    expect(() => caps.claim('198.18.0.1', 'T', old)).not.toThrow();
  });
});
