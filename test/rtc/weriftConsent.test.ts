/**
 * werift's consent freshness (RFC 7675), as the "parley patch" in patches/werift+0.25.2.patch has it:
 * - a consent request is aborted only while it is in flight. Unpatched, each round aborted the
 *   previous round's request although it had long been answered: no listener was left to care,
 *   but every `abort()` made a DOMException with a stack trace, once per connection every ~5 s;
 * - the wait between rounds ends on a 100 ms grid, on one timer for every connection whose round
 *   falls due in the same slot. Unpatched, each connection had a timer of its own, and 400
 *   connections woke the server 80 times a second.
 *
 * Two werift peers from the server's peerFactory on loopback (weriftPair.ts), through two consent
 * rounds each (4-6 s apart); the waits on their own under fake timers.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection, type RTCPeerConnection } from 'werift';
import { connectPair } from '../support/weriftPair.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** werift's wait between consent rounds (private in its typings). */
function waitBetweenRounds(connection: Connection, ms: number, signal: AbortSignal): Promise<void> {
  return (connection as unknown as { abortableDelay(ms: number, signal: AbortSignal): Promise<void> }).abortableDelay(ms, signal);
}

/** The ICE candidate pair `pc` sends on. */
function nominatedPair(pc: RTCPeerConnection) {
  const pair = pc.iceTransports[0]?.connection.nominated;
  if (!pair) throw new Error('no nominated candidate pair');
  return pair;
}

describe("werift's consent freshness", () => {
  const peers: RTCPeerConnection[] = [];
  afterEach(async () => {
    vi.useRealTimers();
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

  it('waits between rounds until a 100 ms boundary, on one timer for the connections due in the same slot', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: 1_000_000 });
    const connections = [new Connection(true), new Connection(false), new Connection(true)];
    const wokeAt: number[] = [];
    const waits = [4_030, 4_070, 4_100].map((ms, index) =>
      waitBetweenRounds(connections[index]!, ms, new AbortController().signal).then(() => wokeAt.push(Date.now())),
    );
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(4_099);
    expect(wokeAt).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(waits);
    expect(wokeAt).toEqual([1_004_100, 1_004_100, 1_004_100]);
    expect(vi.getTimerCount()).toBe(0);

    // A connection that closes mid-wait leaves the others' wait alone; the last one takes the timer along.
    const closing = new AbortController();
    const staying = new AbortController();
    const closed = waitBetweenRounds(connections[0]!, 5_000, closing.signal);
    const stays = waitBetweenRounds(connections[1]!, 4_950, staying.signal);
    closing.abort();
    await expect(closed).rejects.toThrow('The operation was aborted');
    expect(vi.getTimerCount()).toBe(1);
    staying.abort();
    await expect(stays).rejects.toThrow('The operation was aborted');
    expect(vi.getTimerCount()).toBe(0);
  });
});
