/**
 * werift's consent freshness (RFC 7675) aborts a consent request only while it is in flight (the
 * "parley patch" in patches/werift+0.25.2.patch). Unpatched, each round aborted the previous
 * round's request although it had long been answered: no listener was left to care, but every
 * `abort()` made a DOMException with a stack trace, once per connection every ~5 s, which was 3% of
 * what a server with 200 quiet participants spends.
 *
 * Two werift peers from the server's peerFactory on loopback (weriftPair.ts), through two consent
 * rounds each (4-6 s apart).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { connectPair } from '../support/weriftPair.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The ICE candidate pair `pc` sends on. */
function nominatedPair(pc: RTCPeerConnection) {
  const pair = pc.iceTransports[0]?.connection.nominated;
  if (!pair) throw new Error('no nominated candidate pair');
  return pair;
}

describe("werift's consent freshness", () => {
  const peers: RTCPeerConnection[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(peers.splice(0).map((pc) => pc.close()));
  });

  it('keeps consent with answered requests and aborts none of them', { timeout: 30_000 }, async () => {
    const { sender, receiver } = await connectPair(peers);
    const abort = vi.spyOn(AbortController.prototype, 'abort');
    const pairs = [nominatedPair(sender), nominatedPair(receiver)];
    const answeredBefore = pairs.map((pair) => pair.responsesReceived);

    // The second round starts a new request while the first one's controller is still referenced.
    const deadline = Date.now() + 15_000;
    while (pairs.some((pair) => pair.consentRequestsSent < 2) && Date.now() < deadline) await sleep(100);
    expect(pairs.map((pair) => pair.consentRequestsSent >= 2)).toEqual([true, true]);
    // Both rounds were answered: consent is fresh, so nothing had a reason to be aborted.
    await sleep(200);
    pairs.forEach((pair, index) => expect(pair.responsesReceived - answeredBefore[index]!).toBeGreaterThanOrEqual(2));
    expect([sender.connectionState, receiver.connectionState]).toEqual(['connected', 'connected']);
    expect(abort).not.toHaveBeenCalled();

    // The positive control: closing a connection stops its consent lifecycle, which aborts the
    // delay it waits in, so the spy does see werift's controllers.
    await sender.close();
    expect(abort).toHaveBeenCalled();
  });
});
