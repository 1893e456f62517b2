/**
 * Signaling sockets that hold a server's resources without using them, against a real `parley
 * serve` process: one that never joins, however often it pings, is closed; one that goes silent
 * (half-open: it reads and sends nothing) loses its session once the resume window has passed,
 * billed to its last sign of life. These wait on the server's timers, not on media, so they run
 * beside other files rather than in the one-at-a-time media group (signaling.media.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call } from '../support/server.ts';
import { abuseServerPerSuite } from './abuseServer.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('idle and silent signaling sockets', () => {
  const suite = abuseServerPerSuite({ PARLEY_LOG_LEVEL: 'info' });
  const { keep, sockets } = suite;

  it('closes sockets that never join, even if they keep pinging', async () => {
    const idle = await RawSignalingSocket.open(suite.server.url);
    sockets.push(idle);
    const started = Date.now();
    const pinger = setInterval(() => idle.send({ type: 'ping' }), 500);
    try {
      expect(await idle.waitForClose(9_000)).toBe(4007);
    } finally {
      clearInterval(pinger);
    }
    expect(Date.now() - started).toBeLessThan(8_000);
  });

  it('ends a silent client\'s session within seconds of the resume window, billed to its last sign of life', async () => {
    const observer = keep(await suite.server.join('silent', 7401));
    const silent = keep(await suite.server.join('silent', 7402));
    await sleep(500);
    const lastSign = Date.now();
    // Half-open: the client stops reading (so it answers no ping) and sends nothing more.
    (silent.socket.ws as any)._socket.pause();
    const left = await observer.socket.waitFor((m) => m.type === 'user-left' && m.uid === 7402, 40_000);
    const lingered = Date.now() - lastSign;
    expect(left).toMatchObject({ reason: 2 });
    // Detection (a few seconds) plus the 20 s resume window, not 65-75 s.
    expect(lingered).toBeLessThan(32_000);
    const sessions = await call(suite.server.url, 'GET', `/v1/projects/${suite.server.project.appId}/sessions?channel=silent&uid=7402`, {
      auth: basic(suite.server.project.customerId, suite.server.project.customerSecret),
    });
    expect(sessions.status).toBe(200);
    const [session] = sessions.body.data.sessions;
    const billedUntil = Date.parse(session.leftAt);
    expect(Math.abs(billedUntil - lastSign), JSON.stringify(session)).toBeLessThan(3_000);
  }, 60_000);
});
