/**
 * werift's RTP path sends each packet without a promise (the `sendNow` hunks of
 * patches/werift+0.25.2.patch): RTCDtlsTransport.sendRtpNow → ICE Connection.sendNow →
 * StunProtocol.sendDataNow → the transport's sendNow, which gives it to the socket. Upstream went
 * through three async functions a packet (Connection.send, sendData, the transport's send), a
 * promise and a microtask turn each, for every packet to every subscriber.
 *
 * Two werift peers from the server's peerFactory on loopback (weriftPair.ts), over werift's own UDP
 * transport. The server's shared-port mux, which also answers dgram's address lookup at once, has
 * its own test (packages/server/src/rtc/udpMux.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RtpHeader, RtpPacket, type RTCPeerConnection } from 'werift';
import { connectPair } from '../support/weriftPair.ts';

describe("werift's RTP send path", () => {
  const peers: RTCPeerConnection[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((pc) => pc.close()));
  });

  it('counts a packet sent on the ICE pair before writeRtp returns, without the promise-returning sends, and the other peer receives it', { timeout: 30_000 }, async () => {
    const { sender, receiver, track } = await connectPair(peers);
    const pair = sender.getSenders()[0]!.dtlsTransport.iceTransport.connection.nominated!;
    // The transport's promise-returning send stays for STUN and for callers that wait; RTP must not use it.
    const transport = (pair.protocol as unknown as { transport: { send: (...args: unknown[]) => Promise<void> } }).transport;
    const promisedSend = transport.send;
    let promisedSends = 0;
    transport.send = (...args) => {
      promisedSends += 1;
      return promisedSend(...args);
    };
    const received: string[] = [];
    receiver.getReceivers()[0]!.track!.onReceiveRtp.subscribe((packet) => received.push(packet.payload.toString()));

    for (let sequenceNumber = 1; sequenceNumber <= 5; sequenceNumber += 1) {
      const before = { packets: pair.packetsSent, bytes: pair.bytesSent };
      track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber, timestamp: sequenceNumber * 960, ssrc: 1234 }), Buffer.from(`opus ${sequenceNumber}`)));
      // No await in between: a send that waited for a promise would not have counted it yet.
      expect(pair.packetsSent - before.packets, `packet ${sequenceNumber} counted at once`).toBe(1);
      // The SRTP packet: 12 bytes of header, the payload, a 10-byte tag (AES-CM + HMAC-SHA1-80) or 16 (GCM).
      expect(pair.bytesSent - before.bytes).toBeGreaterThanOrEqual(12 + `opus ${sequenceNumber}`.length + 10);
    }
    for (let i = 0; i < 200 && received.length < 5; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toEqual(['opus 1', 'opus 2', 'opus 3', 'opus 4', 'opus 5']);
    expect(promisedSends, "RTP packets that went through the transport's promise-returning send").toBe(0);
  });
});
