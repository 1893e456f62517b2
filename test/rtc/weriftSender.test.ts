/**
 * werift's RTP sender after the "parley" hunks of patches/werift+0.25.2.patch that make its
 * per-packet path cheaper (`npm run bench:forward`, 30 subscribers: 14 → 10.4 µs of CPU a forwarded
 * packet as Parley negotiates them, 17.5 → 12.3 with three header extensions). What a subscriber
 * receives must not change, and two things are mended on the way:
 * - the NTP time (Sender Reports, abs-send-time) carries a real 32-bit fraction of a second;
 *   upstream put the decimal digits of the fraction there as an integer (0.065 s became 65,187);
 * - a packet is handed to the socket without waiting for the previous write, so `sendRtp` settles
 *   when the packet is sent, not when the socket's promise does.
 * Cloning a packet copies its header field by field (~50 ns where spreading it took ~500 ns on
 * Node 24), and the NTP timestamp (three BigInts) is made for a Sender Report, not for each packet:
 * both tested here for what a subscriber and its reports see.
 * `sendRtpNow`, what Parley's forwarders and a track's subscription call, sends before it returns and
 * makes no promise at all (none a packet to each subscriber, where `sendRtp` made seven down to the
 * socket); neither does firing a werift event that has no async subscriber.
 * The packets are read back as a subscriber would: decrypted with the other end's SRTP keys.
 */
import { describe, expect, it } from 'vitest';
import { deserializeAbsSendTime, Event, MediaStreamTrack, ntpTime, RTCRtpCodecParameters, RTCRtpSender, RtcpSrPacket, RtpHeader, RtpPacket } from 'werift';
import { asyncResourcesCreatedBy } from '../support/asyncResources.ts';
import { srtpSink } from '../support/srtpSink.ts';

const NTP_UNIX_OFFSET_S = 2_208_988_800;
const MID = 'urn:ietf:params:rtp-hdrext:sdes:mid';
const ABS_SEND_TIME = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time';
const TRANSPORT_CC = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

/**
 * A sender negotiated for VP8 with MID (1), abs-send-time (3) and transport-wide CC (5), over real SRTP.
 * `socket`: a write that settles, one that never reports back (the sender must not wait for it), one
 * that returns nothing (as Parley's UDP mux's sendNow), or one that throws for packets whose
 * sequence number `fails` names (a socket's synchronous error).
 */
function senderOverSrtp(options: { socket: 'settles' | 'never settles' | 'sync'; fails?: (sequenceNumber: number) => boolean }) {
  const received: RtpPacket[] = [];
  const { transport, subscriber } = srtpSink({
    onWrite: (data) => {
      const packet = RtpPacket.deSerialize(subscriber.decrypt(data));
      if (options.fails?.(packet.header.sequenceNumber)) throw new Error('the socket refused the write');
      received.push(packet);
      if (options.socket === 'sync') return;
      return options.socket === 'settles' ? Promise.resolve() : new Promise<void>(() => {});
    },
  });
  const sender = new RTCRtpSender('video');
  sender.prepareSend({
    codecs: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96 })],
    headerExtensions: [
      { id: 5, uri: TRANSPORT_CC },
      { id: 1, uri: MID },
      { id: 3, uri: ABS_SEND_TIME },
    ],
    muxId: '7',
    rtcp: {},
  } as never);
  sender.setDtlsTransport(transport as never);
  return { sender, received };
}

const packet = (sequenceNumber: number, extensions: Array<{ id: number; payload: Buffer }> = []) =>
  new RtpPacket(new RtpHeader({ ssrc: 42, payloadType: 100, sequenceNumber, timestamp: sequenceNumber * 3000, extensions }), Buffer.from([0x10, 1, 2, 3]));

describe("werift's RTP sender (patched per-packet path)", () => {
  it('keeps a real NTP time: seconds since 1900 and a binary fraction of the second', () => {
    // werift reads the monotonic clock from the process's time origin, which drifts from Date.now()
    // as the wall clock is slewed (by 1 ms and more in a worker that ran for minutes): the exact
    // check uses werift's clock, the wall clock only bounds the epoch.
    const clock = () => performance.timeOrigin + performance.now();
    const before = clock();
    const ntp = ntpTime();
    const after = clock();
    const ms = (Number(ntp >> 32n) - NTP_UNIX_OFFSET_S) * 1000 + (Number(ntp & 0xffff_ffffn) / 2 ** 32) * 1000;
    expect(ms).toBeGreaterThanOrEqual(before - 0.01);
    expect(ms).toBeLessThanOrEqual(after + 0.01);
    expect(Math.abs(ms - Date.now())).toBeLessThan(1000);
  });

  it("writes the subscriber's extensions in id order, numbers transport-wide CC on, keeps the others' and stamps abs-send-time from the clock", async () => {
    const { sender, received } = senderOverSrtp({ socket: 'settles' });
    const sentAt = Date.now();
    for (let index = 0; index < 3; index++) await sender.sendRtp(packet(100 + index, [{ id: 9, payload: Buffer.from('x') }]));
    expect(received).toHaveLength(3);
    for (const [index, { header }] of received.entries()) {
      expect(header.ssrc).toBe(sender.ssrc);
      expect(header.payloadType).toBe(96);
      expect(header.extensions.map((extension) => extension.id)).toEqual([1, 3, 5, 9]);
      const byId = new Map(header.extensions.map((extension) => [extension.id, extension.payload]));
      expect(byId.get(1)!.toString()).toBe('7');
      expect(byId.get(5)!.readUInt16BE(0)).toBe(index + 1);
      expect(byId.get(9)!.toString()).toBe('x');
      // abs-send-time: 6.18 fixed-point seconds, modulo 64 s.
      const expected = (((sentAt / 1000 + NTP_UNIX_OFFSET_S) % 64) * 2 ** 18) | 0;
      const drift = Math.abs(deserializeAbsSendTime(byId.get(3)!) - expected);
      expect(Math.min(drift, 2 ** 24 - drift)).toBeLessThan(2 ** 18 / 10);
    }
    expect(received.map(({ header }) => header.sequenceNumber - received[0]!.header.sequenceNumber)).toEqual([0, 1, 2]);
  });

  it("settles each send when the packet is handed to the socket, without waiting for the socket's promise", async () => {
    const { sender, received } = senderOverSrtp({ socket: 'never settles' });
    const sends = [packet(1), packet(2), packet(3)].map((rtp) => sender.sendRtp(rtp));
    const settled = await Promise.race([Promise.all(sends).then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 200))]);
    expect(settled).toBe(true);
    expect(received).toHaveLength(3);
    // What its next Sender Report will count.
    expect((sender as unknown as { packetCount: number }).packetCount).toBe(3);
  });

  it('sends each packet before sendRtpNow returns, and makes no promise for it', () => {
    const { sender, received } = senderOverSrtp({ socket: 'sync' });
    // The first packet starts the Sender Report loop, once: its promises are not the packets'.
    sender.sendRtpNow(packet(1));
    const first = received[0]!.header.sequenceNumber;
    const promises = countPromises(() => {
      for (let index = 2; index <= 50; index++) {
        sender.sendRtpNow(packet(index));
        expect(received).toHaveLength(index);
      }
    });
    expect(promises).toBe(0);
    expect(received.map(({ header }) => (header.sequenceNumber - first + 65_536) % 65_536)).toEqual(Array.from({ length: 50 }, (_, index) => index));
    expect((sender as unknown as { packetCount: number }).packetCount).toBe(50);
  });

  it('drops a packet whose write throws, without throwing to the caller, and sends the next', () => {
    const { sender, received } = senderOverSrtp({ socket: 'sync', fails: (sequenceNumber) => sequenceNumber % 2 === 0 });
    for (let index = 1; index <= 6; index++) expect(() => sender.sendRtpNow(packet(index))).not.toThrow();
    // Three of six sequence numbers are odd, whatever the sender's random start.
    expect(received).toHaveLength(3);
    for (const { header } of received) expect(header.sequenceNumber % 2).toBe(1);
  });

  it("sends a track's packets as they arrive, before the track's event returns", async () => {
    const { sender, received } = senderOverSrtp({ socket: 'sync' });
    const track = new MediaStreamTrack({ kind: 'video', remote: true });
    await sender.replaceTrack(track);
    track.onReceiveRtp.execute(packet(1));
    const promises = countPromises(() => {
      for (let index = 2; index <= 10; index++) {
        track.onReceiveRtp.execute(packet(index));
        expect(received).toHaveLength(index);
      }
    });
    expect(promises).toBe(0);
  });

  it('clones a packet with every header field, into a header of its own', () => {
    const original = RtpPacket.deSerialize(
      new RtpPacket(new RtpHeader({ ssrc: 7, payloadType: 96, sequenceNumber: 65_535, timestamp: 4_000_000_000, marker: true, csrc: [11, 12], extensions: [{ id: 2, payload: Buffer.from('ab') }] }), Buffer.from([1, 2, 3])).serialize(),
    );
    const copy = original.clone();
    expect(copy).not.toBe(original);
    expect(copy.header).not.toBe(original.header);
    expect({ ...copy.header }).toEqual({ ...original.header });
    expect(copy.serialize().equals(original.serialize())).toBe(true);
    // What a forwarder rewrites in its copy leaves the packet every other subscriber copies alone.
    copy.header.sequenceNumber = 1;
    copy.header.ssrc = 99;
    expect(original.header.sequenceNumber).toBe(65_535);
    expect(original.header.ssrc).toBe(7);
  });

  it('stamps its Sender Report with the NTP time and RTP timestamp of the last packet it sent', { timeout: 10_000 }, async () => {
    const { sender, received } = senderOverSrtp({ socket: 'sync' });
    const reports: RtcpSrPacket[] = [];
    sender.dtlsTransport.sendRtcp = async (packets) => {
      for (const report of packets) if (report instanceof RtcpSrPacket) reports.push(report);
      return undefined;
    };
    const clock = () => performance.timeOrigin + performance.now();
    sender.sendRtpNow(packet(1));
    const before = clock();
    sender.sendRtpNow(packet(2));
    const after = clock();
    // werift's report loop waits 0.5 to 1.5 s before each report.
    await expect.poll(() => reports.length, { timeout: 5_000 }).toBeGreaterThan(0);
    sender.stop();
    const { senderInfo } = reports[0]!;
    const ntp = senderInfo.ntpTimestamp;
    const ms = (Number(ntp >> 32n) - NTP_UNIX_OFFSET_S) * 1000 + (Number(ntp & 0xffff_ffffn) / 2 ** 32) * 1000;
    expect(ms).toBeGreaterThanOrEqual(before - 0.01);
    expect(ms).toBeLessThanOrEqual(after + 0.01);
    expect(senderInfo.rtpTimestamp).toBe(received[1]!.header.timestamp);
    expect(senderInfo.packetCount).toBe(2);
  });
});

describe("werift's events (patched)", () => {
  it('run their synchronous subscribers without making a promise', () => {
    const event = new Event<[number]>();
    const seen: number[] = [];
    event.subscribe((value) => seen.push(value));
    expect(countPromises(() => event.execute(1))).toBe(0);
    expect(seen).toEqual([1]);
  });

  it('still run async (queuing) subscribers one after the other, after the synchronous ones', async () => {
    const event = new Event<[number]>();
    const seen: string[] = [];
    event.queuingSubscribe(async (value) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`queued ${value}`);
    });
    event.subscribe((value) => seen.push(`sync ${value}`));
    event.execute(1);
    expect(seen).toEqual(['sync 1']);
    await expect.poll(() => seen).toEqual(['sync 1', 'queued 1']);
  });
});

/** The promises `run` creates. */
function countPromises(run: () => void): number {
  return asyncResourcesCreatedBy(run).filter((type) => type === 'PROMISE').length;
}
