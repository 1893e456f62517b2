/**
 * werift's RTCP reports follow RFC 3550 6.4 (the "parley patch" in patches/werift+0.25.2.patch): a
 * sender sends a Sender Report only after it sent RTP since the last one, and a receiver reports
 * only on sources it heard from since its last report, sending nothing when there are none; and a
 * report loop with nothing to report ends until the next RTP packet starts it again.
 * Unpatched, every sender and receiver of every connection sent a report about each second, RTP
 * or not: a server whose participants sit quietly in a channel paid for hundreds a second.
 *
 * Two werift peers from the server's peerFactory on loopback (weriftPair.ts); the reports are
 * counted as each side's DTLS transport decrypts them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RtcpRrPacket, RtcpSrPacket, RtpHeader, RtpPacket, type RTCPeerConnection, type RtcpPacket } from 'werift';
import { connectPair } from '../support/weriftPair.ts';

/** werift's report interval is 0.5 to 1.5 s: a window this long holds at least two reports of a running loop. */
const QUIET_WINDOW_MS = 3_200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the RTCP packets of `type` that `pc` receives, until called to read the count. */
function countReceived(pc: RTCPeerConnection, type: number): { read(): number; reset(): void } {
  let count = 0;
  for (const transport of pc.dtlsTransports) {
    transport.onRtcp.subscribe((packet: RtcpPacket) => {
      if (packet.type === type) count += 1;
    });
  }
  return { read: () => count, reset: () => (count = 0) };
}

describe("werift's RTCP reports", () => {
  const peers: RTCPeerConnection[] = [];
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((pc) => pc.close()));
  });

  it('are sent while RTP flows, and not by an idle sender or receiver', { timeout: 30_000 }, async () => {
    const { sender, receiver, track } = await connectPair(peers);
    const senderReports = countReceived(receiver, RtcpSrPacket.type);
    const receiverReports = countReceived(sender, RtcpRrPacket.type);

    // Connected, nothing sent yet: nothing to report either way.
    await sleep(QUIET_WINDOW_MS);
    expect(senderReports.read(), 'Sender Reports before any RTP').toBe(0);
    expect(receiverReports.read(), 'Receiver Reports before any RTP').toBe(0);

    // 50 packets a second, as Opus sends.
    let sequenceNumber = 0;
    const sendFor = async (ms: number) => {
      const sending = setInterval(() => {
        sequenceNumber += 1;
        track.writeRtp(new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber, timestamp: sequenceNumber * 960, ssrc: 1234 }), Buffer.from('opus')));
      }, 20);
      await sleep(ms);
      clearInterval(sending);
    };
    await sendFor(QUIET_WINDOW_MS);
    expect(senderReports.read(), 'Sender Reports while RTP flows').toBeGreaterThanOrEqual(1);
    expect(receiverReports.read(), 'Receiver Reports while RTP flows').toBeGreaterThanOrEqual(1);

    // Stopped: the reports about the last packets go out within one interval, then none.
    await sleep(1_600);
    senderReports.reset();
    receiverReports.reset();
    await sleep(QUIET_WINDOW_MS);
    expect(senderReports.read(), 'Sender Reports once RTP stopped').toBe(0);
    expect(receiverReports.read(), 'Receiver Reports once RTP stopped').toBe(0);
    // Nor does either side keep a report timer running for nothing: each loop ended.
    const [rtpSender] = sender.getSenders();
    const [rtpReceiver] = receiver.getReceivers();
    expect({ sender: rtpSender?.rtcpRunning, receiver: rtpReceiver?.rtcpRunning }, 'report loops once RTP stopped').toEqual({ sender: false, receiver: false });

    // RTP again: the next packets start both loops again, and reports follow.
    await sendFor(QUIET_WINDOW_MS);
    expect(senderReports.read(), 'Sender Reports once RTP resumed').toBeGreaterThanOrEqual(1);
    expect(receiverReports.read(), 'Receiver Reports once RTP resumed').toBeGreaterThanOrEqual(1);
  });
});
