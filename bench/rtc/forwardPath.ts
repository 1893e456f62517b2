/**
 * The SFU's per-packet forwarding path on its own, in one process: one publisher layer →
 * N subscribers, each a VideoForwarder over werift's real RTCRtpSender and a DTLS transport with a
 * real SRTP session (AES-CM + HMAC-SHA1, as the wrtc bots negotiate; `--gcm` for AES-GCM, as
 * Chromium does). The ICE connection's send is a sink, so no socket and no kernel time is counted:
 * what is left is the JavaScript and crypto cost that bench:rtc's end-to-end figure cannot show
 * apart from the kernel's and the bots' noise (its runs vary by ±20% on a 2-core machine).
 *
 * Run: `npm run bench:forward -- [--subscribers 30] [--packets 3000] [--rounds 7] [--gcm] [--extensions] [--untuned]`.
 * The process takes the V8 settings a server runs with (processTuning.ts); `--untuned` leaves V8's
 * defaults, to measure what those settings are worth.
 * Prints the CPU µs per forwarded packet of each round and their median, and first the same for
 * receiving the publisher's packets (SRTP decryption and parse, once a packet); compare two builds
 * (e.g. with and without a change to patches/werift) by running it once with each.
 */
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { MediaStreamTrack, RTCRtpCodecParameters, RTCRtpSender, RtpHeader, RtpPacket } from 'werift';
import { tuneProcess } from '@parley/server';
import { VideoForwarder } from '../../packages/server/src/rtc/simulcast/videoForwarder.ts';
import { srtpEnds, srtpSink } from '../../test/support/srtpSink.ts';
import { positiveInt } from './options.ts';
import { roundsLine } from './rounds.ts';

const { values: args } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '30' },
    packets: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '7' },
    gcm: { type: 'boolean', default: false },
    extensions: { type: 'boolean', default: false },
    untuned: { type: 'boolean', default: false },
  },
  strict: true,
});
if (!args.untuned) tuneProcess();
const SUBSCRIBERS = positiveInt(args.subscribers, 'subscribers');
const PACKETS = positiveInt(args.packets, 'packets');
const ROUNDS = positiveInt(args.rounds, 'rounds');
/** A camera packet's size at 640×480 and ~800 kbps: most packets are full (~1,100 bytes of VP8). */
const PAYLOAD_BYTES = 1_100;

function subscriber(track: MediaStreamTrack): { forwarder: VideoForwarder; sent: () => number } {
  const sender = new RTCRtpSender('video');
  sender.prepareSend({
    codecs: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90_000, payloadType: 96 })],
    // As Parley negotiates a subscriber's video (peerFactory.ts): no header extensions, REMB for the
    // downlink estimate. `--extensions` adds MID, abs-send-time and transport-wide CC, as werift's defaults would.
    headerExtensions: args.extensions
      ? [
        { id: 1, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
        { id: 2, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
        { id: 3, uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01' },
      ]
      : [],
    muxId: '1',
    rtcp: {},
  } as never);
  let bytes = 0;
  const { transport } = srtpSink({
    gcm: args.gcm,
    onWrite: (data) => {
      bytes += data.length;
    },
  });
  sender.setDtlsTransport(transport as never);
  const forwarder = new VideoForwarder(sender, { switched: () => {} });
  forwarder.setSources(new Map([['high', { track, requestKeyframe: () => {} }]]));
  forwarder.select('high');
  return { forwarder, sent: () => bytes };
}

/** A VP8 packet as Chromium sends it: a 15-bit picture id, TL0PICIDX and TID, and a frame's bytes. */
function publisherPacket(index: number): RtpPacket {
  const frame = Math.floor(index / 3);
  const start = index % 3 === 0;
  const payload = crypto.randomBytes(PAYLOAD_BYTES);
  payload.set([0x80 | (start ? 0x10 : 0), 0xe0, 0x80 | ((frame >> 8) & 0x7f), frame & 0xff, frame & 0xff, 0x00], 0);
  if (start) payload[6] = frame % 90 === 0 ? 0x10 : 0x11;
  const header = new RtpHeader({
    ssrc: 1234,
    payloadType: 96,
    sequenceNumber: index & 0xffff,
    timestamp: (frame * 3000) >>> 0,
    marker: index % 3 === 2,
    extensions: [{ id: 4, payload: Buffer.from([index & 0xff, 0, 0]) }],
  });
  return new RtpPacket(header, payload);
}

const track = new MediaStreamTrack({ kind: 'video', remote: true });
const subscribers = Array.from({ length: SUBSCRIBERS }, () => subscriber(track));
const packets = Array.from({ length: 900 }, (_, index) => publisherPacket(index));
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function round(): Promise<number> {
  const start = process.cpuUsage();
  for (let index = 0; index < PACKETS; index++) {
    track.onReceiveRtp.execute(packets[index % packets.length]!);
    // Let the senders' promises settle as the event loop would between datagrams.
    if (index % 10 === 9) await tick();
  }
  await tick();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / (PACKETS * SUBSCRIBERS);
}

/**
 * The publisher's side: werift's SRTP decryption of each packet (which reads the header to
 * authenticate it) and the receiver's parse of the plain packet, once a packet however many
 * subscribers there are. Each round decrypts the same packets in a new session with the same keys
 * (in one session, sequence numbers that started again would read as a rollover).
 */
const RECEIVED_PACKETS = 10_000;
const cipherName = args.gcm ? 'AES-GCM' : 'AES-CM + HMAC-SHA1';
const publisherToSfu = srtpEnds({ gcm: args.gcm });
const publisherSession = publisherToSfu.sender();
const receivedPackets = Array.from({ length: RECEIVED_PACKETS }, (_, index) => {
  const packet = publisherPacket(index);
  return publisherSession.encrypt(packet.payload, packet.header);
});

function receiveRound(): number {
  const session = publisherToSfu.receiver();
  const start = process.cpuUsage();
  for (const packet of receivedPackets) {
    if (RtpPacket.deSerialize(session.decrypt(packet)).header.ssrc !== 1234) throw new Error('a received packet did not read back');
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / RECEIVED_PACKETS;
}

receiveRound();
const received = Array.from({ length: ROUNDS }, receiveRound);
await round();
const results: number[] = [];
for (let index = 0; index < ROUNDS; index++) results.push(await round());
const bytes = subscribers.reduce((sum, { sent }) => sum + sent(), 0);
for (const { forwarder } of subscribers) forwarder.stop();
console.log(`receive path, ${cipherName}: ${roundsLine(received, 'a received packet')}`);
console.log(
  `forward path, ${SUBSCRIBERS} subscribers, ${cipherName}${args.extensions ? ', 3 header extensions' : ''}: ` +
    `${roundsLine(results, 'a forwarded packet')} ` +
    `(${(bytes / 1e6).toFixed(0)} MB of SRTP to the sink)`,
);
// werift's senders keep RTCP report timers running; nothing else is left to do.
process.exit(0);
