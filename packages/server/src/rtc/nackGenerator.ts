/**
 * Asks a publisher to retransmit the video packets it sent and the SFU did not get (RTCP generic
 * NACK, RFC 4585), one sequence-number space per SSRC, so a loss on the publisher's link does not
 * become a loss for every subscriber.
 *
 * Why not werift's own NackHandler (0.25): it follows one sequence space per receiver (two
 * simulcast layers interleave two), loses track at the 16-bit wrap, and sends its ten requests for
 * a packet 5 ms apart: all of them before a retransmission could arrive on any real link, so a
 * retransmission that is itself lost is never asked for again, and the packet is gone. Each such
 * packet left every subscriber's decoder waiting for a keyframe that Chromium only asks for after
 * about 3 s (measured: 5% loss and 150 ms round trip on the publisher's link, 61% of the frames
 * sent were decoded, with freezes of several seconds).
 *
 * Here a missing packet is asked for at once and again every RETRY_INTERVAL_MS, which needs no
 * round-trip estimate: Chromium retransmits a packet at most once per round trip however often it
 * is asked, so the requests in between cost a few bytes of RTCP. A packet still missing after
 * GIVE_UP_MS would come too late to be played; the publisher is then asked for a keyframe at
 * once, so subscribers recover in a round trip instead of waiting for their own timeout.
 */
import { GenericNack, RtcpTransportLayerFeedback, type RtpPacket } from 'werift';

/** How often a packet still missing is asked for again. */
export const RETRY_INTERVAL_MS = 40;
/** How long a missing packet is asked for: several round trips on a slow link, short of a jitter buffer's patience. */
export const GIVE_UP_MS = 1_000;
/** More missing packets than this at once is an outage or a stream restart: a keyframe recovers sooner. */
export const MAX_MISSING = 500;
/** The retry timer's period while anything is missing (no timer runs otherwise). */
const TICK_MS = 10;

export interface NackSink {
  /** Sends one NACK for `mediaSsrc`'s `lost` sequence numbers. */
  sendNack(nack: GenericNack): void;
  /** Packets of `mediaSsrc` are lost for good: its decoders need a keyframe. */
  keyframeNeeded(mediaSsrc: number): void;
}

interface Missing {
  detectedAt: number;
  askedAt: number;
}

/** Signed distance from `from` to `to` in 16-bit sequence space. */
export function sequenceDistance(from: number, to: number): number {
  return ((to - from + 0x8000) & 0xffff) - 0x8000;
}

/** The NACK state of one SSRC. */
export class SsrcNacks {
  readonly ssrc: number;
  #senderSsrc: number;
  #sink: NackSink;
  #highest: number | undefined;
  /** Missing sequence numbers in the order they went missing (wrap-aware ascending). */
  #missing = new Map<number, Missing>();
  #timer: NodeJS.Timeout | undefined;

  constructor(ssrc: number, senderSsrc: number, sink: NackSink) {
    this.ssrc = ssrc;
    this.#senderSsrc = senderSsrc;
    this.#sink = sink;
  }

  add(sequenceNumber: number): void {
    if (this.#highest === undefined) {
      this.#highest = sequenceNumber;
      return;
    }
    const distance = sequenceDistance(this.#highest, sequenceNumber);
    if (distance < -MAX_MISSING) {
      // Far behind: the sender started its numbering again.
      this.#highest = sequenceNumber;
      this.#missing.clear();
      this.#stopTimer();
      return;
    }
    if (distance <= 0) {
      // A retransmission, or a packet that arrived out of order.
      this.#missing.delete(sequenceNumber);
      return;
    }
    this.#highest = sequenceNumber;
    if (distance === 1) return;
    if (distance - 1 + this.#missing.size > MAX_MISSING) {
      this.#forgetAll();
      return;
    }
    const now = Date.now();
    for (let step = 1; step < distance; step++) this.#missing.set((sequenceNumber - distance + step) & 0xffff, { detectedAt: now, askedAt: -Infinity });
    this.tick();
    this.#timer ??= setInterval(() => this.tick(), TICK_MS).unref();
  }

  /** Asks for what is due again and gives up on what is too old (the timer calls it). */
  tick(): void {
    const now = Date.now();
    const due: number[] = [];
    let gaveUp = false;
    for (const [sequenceNumber, missing] of this.#missing) {
      if (now - missing.detectedAt >= GIVE_UP_MS) {
        this.#missing.delete(sequenceNumber);
        gaveUp = true;
      } else if (now - missing.askedAt >= RETRY_INTERVAL_MS) {
        missing.askedAt = now;
        due.push(sequenceNumber);
      }
    }
    if (due.length > 0) this.#sink.sendNack(new GenericNack({ senderSsrc: this.#senderSsrc, mediaSourceSsrc: this.ssrc, lost: due }));
    if (gaveUp) this.#sink.keyframeNeeded(this.ssrc);
    if (this.#missing.size === 0) this.#stopTimer();
  }

  close(): void {
    this.#missing.clear();
    this.#stopTimer();
  }

  #forgetAll(): void {
    this.#missing.clear();
    this.#stopTimer();
    this.#sink.keyframeNeeded(this.ssrc);
  }

  #stopTimer(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** What werift's RTCRtpReceiver calls on its `nack` member, and the event its statistics count. */
interface ReceiverNackMember {
  addPacket(packet: RtpPacket): void;
  close(): void;
  onPacketLost: { execute(nack: GenericNack): void };
}

/** The NACK generator of a whole receiver: one SsrcNacks per SSRC it receives. */
class ReceiverNacks implements ReceiverNackMember {
  readonly onPacketLost: ReceiverNackMember['onPacketLost'];
  #bySsrc = new Map<number, SsrcNacks>();
  #create: (ssrc: number) => SsrcNacks;

  constructor(create: (ssrc: number) => SsrcNacks, onPacketLost: ReceiverNackMember['onPacketLost']) {
    this.#create = create;
    this.onPacketLost = onPacketLost;
  }

  addPacket(packet: RtpPacket): void {
    const { ssrc, sequenceNumber } = packet.header;
    let nacks = this.#bySsrc.get(ssrc);
    if (!nacks) this.#bySsrc.set(ssrc, (nacks = this.#create(ssrc)));
    nacks.add(sequenceNumber);
  }

  close(): void {
    for (const nacks of this.#bySsrc.values()) nacks.close();
    this.#bySsrc.clear();
  }
}

/** The members of werift's RTCRtpReceiver this reaches (its `nack` is not in werift's types). */
interface WeriftReceiver {
  nack: ReceiverNackMember;
  rtcpSsrc: number;
  dtlsTransport: { sendRtcp(packets: RtcpTransportLayerFeedback[]): Promise<unknown> };
}

/**
 * Puts this generator in place of werift's NackHandler on a video receiver, before its first
 * packet. werift still decides when to call it (video, with NACK negotiated).
 */
export function generateNacks(receiver: unknown, keyframeNeeded: (ssrc: number) => void): void {
  const target = receiver as WeriftReceiver;
  if (target.nack instanceof ReceiverNacks) return;
  const original = target.nack;
  original.close();
  const onPacketLost = original.onPacketLost;
  const sink: NackSink = {
    sendNack(nack) {
      void target.dtlsTransport.sendRtcp([new RtcpTransportLayerFeedback({ feedback: nack })]).catch(() => {});
      // werift's receiver statistics count NACKs through this event.
      onPacketLost.execute(nack);
    },
    keyframeNeeded,
  };
  target.nack = new ReceiverNacks((ssrc) => new SsrcNacks(ssrc, target.rtcpSsrc, sink), onPacketLost);
}
