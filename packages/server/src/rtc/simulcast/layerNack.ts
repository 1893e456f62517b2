/**
 * Loss recovery for a receiver that gets several simulcast layers. werift (0.25) gives each
 * RTCRtpReceiver one NackHandler that follows a single sequence-number space and names the SSRC of
 * the last packet it saw; two layers interleave two unrelated spaces, so it would take one layer's
 * numbers for gaps in the other's and ask for retransmissions under the wrong SSRC. This gives
 * every SSRC a NackHandler of its own (werift's own class) behind the one the receiver calls.
 */
import type { RTCRtpReceiver, RtpPacket } from 'werift';

/** The members of werift's NackHandler the receiver uses. */
interface NackLike {
  addPacket(packet: RtpPacket): void;
  close(): void;
}

export function nackPerLayer(receiver: RTCRtpReceiver): void {
  // werift keeps the handler in a private field; its class is not exported.
  const holder = receiver as unknown as { nack: NackLike & { onPacketLost: unknown } };
  const original = holder.nack;
  if (original instanceof PerSsrcNack) return;
  const Handler = original.constructor as new (receiver: RTCRtpReceiver) => NackLike;
  holder.nack = new PerSsrcNack(() => new Handler(receiver), original);
}

class PerSsrcNack implements NackLike {
  readonly onPacketLost: unknown;
  #create: () => NackLike;
  #bySsrc = new Map<number, NackLike>();
  #first: NackLike;

  constructor(create: () => NackLike, original: NackLike & { onPacketLost: unknown }) {
    this.#create = create;
    this.#first = original;
    this.onPacketLost = original.onPacketLost;
  }

  addPacket(packet: RtpPacket): void {
    const ssrc = packet.header.ssrc;
    let handler = this.#bySsrc.get(ssrc);
    if (!handler) {
      // The receiver's own handler (whose losses its statistics count) takes the first layer.
      handler = this.#bySsrc.size === 0 ? this.#first : this.#create();
      this.#bySsrc.set(ssrc, handler);
    }
    handler.addPacket(packet);
  }

  close(): void {
    this.#first.close();
    for (const handler of this.#bySsrc.values()) handler.close();
  }
}
