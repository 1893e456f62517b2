/**
 * The SFU's peer connections gather only the announced host candidates: with `iceServers: []`
 * werift still queried Google's public STUN server (its default) from every connection: a DNS
 * lookup and a packet to a third party per join that nobody configured (bench:joins: 1.5 ms of
 * server CPU a join). The "parley patch" in patches/werift+0.25.2.patch makes an empty
 * `iceServers` mean no STUN, as it does in browsers.
 */
import { describe, expect, it } from 'vitest';
import { completeLocalDescription, createPeer, type MediaNetwork } from './peerFactory.ts';

const LOOPBACK: MediaNetwork = { announced: ['127.0.0.1'], portMin: 0, portMax: 0, connectTimeoutMs: 10_000, anyPort: true };

/** The ICE agents behind a peer connection (not part of werift's typings). */
function iceAgents(pc: ReturnType<typeof createPeer>): Array<{ stunServer?: unknown }> {
  return (pc as unknown as { iceTransports: Array<{ connection: { stunServer?: unknown } }> }).iceTransports.map((transport) => transport.connection);
}

describe('the SFU peer connections', () => {
  for (const role of ['publish', 'subscribe'] as const) {
    it(`${role}: gathers host candidates only and asks no STUN server`, async () => {
      const pc = createPeer(LOOPBACK, role);
      try {
        pc.addTransceiver('audio', { direction: role === 'publish' ? 'recvonly' : 'sendonly' });
        await pc.setLocalDescription(await pc.createOffer());
        const sdp = await completeLocalDescription(pc);
        const agents = iceAgents(pc);
        expect(agents.length).toBeGreaterThan(0);
        for (const agent of agents) expect(agent.stunServer).toBeUndefined();
        const candidates = sdp.split('\r\n').filter((line) => line.startsWith('a=candidate:'));
        expect(candidates.length).toBeGreaterThan(0);
        for (const candidate of candidates) expect(candidate).toMatch(/ typ host( |$)/);
      } finally {
        await pc.close();
      }
    });
  }
});
