/**
 * A DTLS ClientHello that arrives before werift's own ICE agent has connected is kept and answered
 * once it has (the "parley patch" on RTCDtlsTransport in patches/werift+0.25.2.patch). Browsers
 * send it as soon as their own ICE check succeeds, which on a subscription is usually first:
 * unpatched werift dropped it, and the handshake waited for the client to send it again.
 *
 * The case is made certain here: the answerer's binding responses reach the offerer 150 ms late,
 * so the answerer connects and sends its ClientHello while the offerer is still checking. Kept,
 * the ClientHello is answered at once: the answerer sends two (the second with the cookie).
 * Dropped, it has to send the first again when its retransmission timer fires: three.
 */
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { candidatePorts, connectAndSend } from '../support/weriftPair.ts';

const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const RESPONSE_DELAY_MS = 150;

const isBindingSuccess = (datagram: Buffer) => datagram.length >= 20 && datagram.readUInt16BE(0) === 0x0101;
const isClientHello = (datagram: Buffer) => datagram.length > 13 && datagram[0] === HANDSHAKE && datagram.readUInt16BE(3) === 0 && datagram[13] === CLIENT_HELLO;

const originalSend = dgram.Socket.prototype.send;
/** Responses still held back: cleared when the test ends, since their sockets close with the peers. */
const heldBack = new Set<NodeJS.Timeout>();

/** Delays the binding responses the sockets on `ports` send; counts the ClientHellos they send. */
function slowAnswerer(ports: () => Set<number>): { clientHellos: () => number } {
  let clientHellos = 0;
  dgram.Socket.prototype.send = function send(this: dgram.Socket, ...args: unknown[]) {
    const datagram = args[0];
    if (Buffer.isBuffer(datagram) && ports().has(this.address().port)) {
      if (isClientHello(datagram)) clientHellos += 1;
      if (isBindingSuccess(datagram)) {
        const timer = setTimeout(() => {
          heldBack.delete(timer);
          (originalSend as (...a: unknown[]) => void).apply(this, args.filter((arg) => typeof arg !== 'function'));
        }, RESPONSE_DELAY_MS);
        heldBack.add(timer);
        return;
      }
    }
    return (originalSend as (...a: unknown[]) => void).apply(this, args);
  } as typeof dgram.Socket.prototype.send;
  return { clientHellos: () => clientHellos };
}

describe('werift keeps a ClientHello that comes before its ICE agent connects', () => {
  const peers: RTCPeerConnection[] = [];
  afterEach(async () => {
    dgram.Socket.prototype.send = originalSend;
    // A binding response held back past the end would be sent on a closed socket ("Not running").
    for (const timer of heldBack) clearTimeout(timer);
    heldBack.clear();
    await Promise.all(peers.splice(0).map((pc) => pc.close()));
  });

  it('answers it once connected, without waiting for the client to send it again', { timeout: 20_000 }, async () => {
    let answererPorts = new Set<number>();
    const answerer = slowAnswerer(() => answererPorts);
    const { connectedMs, payload } = await connectAndSend(peers, { onAnswer: (sdp) => (answererPorts = candidatePorts(sdp)) });
    expect(payload).toBe('through');
    expect(connectedMs).toBeGreaterThanOrEqual(RESPONSE_DELAY_MS);
    expect(answerer.clientHellos()).toBe(2);
  });
});
