/**
 * Forwards one publisher's video to one subscriber, from the layer the subscriber should receive.
 *
 * A publisher with dual stream sends two layers (two RTP streams, each with its own SSRC, sequence
 * numbers, timestamps and VP8 picture ids); one without it sends one. The forwarder listens to
 * every layer and sends the packets of one through the subscriber's sender, so the subscriber's
 * decoder sees a single continuous stream:
 * - a switch takes effect only at a keyframe of the new layer (asked for with a PLI, again every
 *   second until it comes), and the old layer goes on until then, so the picture never freezes;
 * - at the switch werift's sender is told to continue its sequence numbers and timestamps
 *   (`replaceRTP`: its offsets make the new layer's first packet follow the last one sent; the
 *   timestamp step is the wall-clock time since, at VP8's 90 kHz), and the VP8 picture id and
 *   TL0PICIDX are rewritten to continue too (see vp8Descriptor.ts);
 * - the first layer a subscription receives starts at once, as forwarding always has. Its
 *   keyframe is asked for when the subscriber's connection is up (SubscribeConnection), not here:
 *   one asked for at subscription reached the publisher's encoder first, came before the
 *   connection (over TURN, always) and reached nobody, and browsers then ignore a PLI for ~300 ms
 *   after a keyframe, so the subscriber waited for the next round (bench:network, TURN: ~430 ms).
 * The publisher's RTP header extensions are dropped: their ids were negotiated on the publish
 * connection and mean nothing on the subscriber's.
 */
import { RtpHeader, RtpPacket, type MediaStreamTrack } from 'werift';
import type { VideoLayer } from './layerChoice.ts';
import { readVp8Descriptor, Vp8CounterRewriter, type Vp8Descriptor } from './vp8Descriptor.ts';

/** One layer a publisher sends: its track and how to ask the publisher for a keyframe of it. */
export interface LayerSource {
  track: MediaStreamTrack;
  requestKeyframe(): void;
}

/** What the forwarder needs of werift's RTCRtpSender. */
export interface ForwardingSender {
  /** Sends before returning, without a promise: this runs for every packet to every subscriber. */
  sendRtpNow(packet: RtpPacket): void;
  replaceRTP(header: Pick<RtpHeader, 'sequenceNumber' | 'timestamp'>, discontinuity?: boolean, timestampStep?: number): void;
}

export interface ForwarderEvents {
  /** The subscriber now receives `layer` instead of the layer it received before. */
  switched(layer: VideoLayer): void;
}

/** What every subscriber of a layer sends of one received packet: its header without the publisher's extensions, and its VP8 descriptor. */
interface OutgoingView {
  header: RtpHeader;
  descriptor: Vp8Descriptor | undefined;
}
/**
 * Worked out once per received packet and shared by every forwarder of its layer (werift hands the
 * same packet object to each listener): per subscriber, the header's copy and the descriptor's
 * parse were a large share of the forwarding cost at 30 subscribers (bench:rtc with perf).
 * werift's sender copies the header before changing it, so one copy can serve them all.
 */
const outgoingViews = new WeakMap<RtpPacket, OutgoingView>();

function outgoingView(packet: RtpPacket): OutgoingView {
  let view = outgoingViews.get(packet);
  if (!view) {
    view = { header: new RtpHeader({ ...packet.header, extension: false, extensions: [] }), descriptor: readVp8Descriptor(packet.payload) };
    outgoingViews.set(packet, view);
  }
  return view;
}

/** How often a keyframe of the layer being switched to is asked for again while none comes. */
export const KEYFRAME_RETRY_MS = 1_000;
/** RTP clock of video (RFC 7741): ticks per millisecond. */
const VIDEO_TICKS_PER_MS = 90;
const RTP_HEADER_BYTES = 12;

export class VideoForwarder {
  #sender: ForwardingSender;
  #events: ForwarderEvents;
  #sources = new Map<VideoLayer, LayerSource>();
  #stopListening: Array<() => void> = [];
  /** The layer whose packets are forwarded now. */
  #current: VideoLayer | undefined;
  /** The layer wanted; undefined forwards no video. */
  #target: VideoLayer | undefined;
  /** The last layer forwarded, across pauses and source changes: a switch is a change from it. */
  #lastLayer: VideoLayer | undefined;
  #forwardedAny = false;
  #continueNumbering = true;
  #lastSentAt = 0;
  #vp8 = new Vp8CounterRewriter();
  #retry: NodeJS.Timeout | undefined;
  /** RTP bytes forwarded so far, for the downlink fallback's view of what the subscriber is sent. */
  bytesSent = 0;

  constructor(sender: ForwardingSender, events: ForwarderEvents) {
    this.#sender = sender;
    this.#events = events;
  }

  /** The layer the subscriber receives now (undefined while no video is forwarded). */
  get layer(): VideoLayer | undefined {
    return this.#current;
  }

  /** The layer wanted (the one being switched to, while its keyframe is awaited). */
  get target(): VideoLayer | undefined {
    return this.#target;
  }

  get availableLayers(): ReadonlySet<VideoLayer> {
    return new Set(this.#sources.keys());
  }

  /**
   * The publisher's layers now (at subscription, and whenever it publishes anew, e.g. turning dual
   * stream on or off). New tracks carry new numbering, so even the same layer resumes at a keyframe.
   */
  setSources(sources: ReadonlyMap<VideoLayer, LayerSource>): void {
    this.#stopSources();
    this.#sources = new Map(sources);
    for (const [layer, source] of this.#sources) {
      const { unSubscribe } = source.track.onReceiveRtp.subscribe((packet) => this.#onPacket(layer, packet));
      this.#stopListening.push(unSubscribe);
    }
    this.#current = undefined;
    const target = this.#target;
    this.#target = undefined;
    if (target) this.select(target);
  }

  /** Forwards `layer` from its next keyframe on (at once for the first layer), or no video. */
  select(layer: VideoLayer | undefined): void {
    if (layer === this.#target) return;
    this.#target = layer;
    this.#stopRetry();
    if (layer === undefined) {
      this.#current = undefined;
      return;
    }
    if (layer === this.#current) return;
    const source = this.#sources.get(layer);
    if (!source) return;
    if (!this.#forwardedAny && this.#current === undefined) {
      this.#current = layer;
      this.#lastLayer = layer;
      return;
    }
    source.requestKeyframe();
    this.#retry = setInterval(() => this.#sources.get(layer)?.requestKeyframe(), KEYFRAME_RETRY_MS);
  }

  /** The subscriber lost the picture: a keyframe of the layer it receives (or is about to). */
  requestKeyframe(): void {
    const layer = this.#current ?? this.#target;
    if (layer) this.#sources.get(layer)?.requestKeyframe();
  }

  stop(): void {
    this.#stopRetry();
    this.#stopSources();
    this.#sources.clear();
    this.#current = this.#target = undefined;
  }

  #onPacket(layer: VideoLayer, packet: RtpPacket): void {
    if (layer === this.#current) {
      this.#forward(packet);
      return;
    }
    if (layer !== this.#target) return;
    const { descriptor } = outgoingView(packet);
    if (!descriptor?.keyframeStart) return;
    this.#current = layer;
    this.#stopRetry();
    this.#continueNumbering = true;
    this.#vp8.rebase(descriptor);
    const previous = this.#lastLayer;
    this.#lastLayer = layer;
    this.#forward(packet);
    if (previous !== undefined && previous !== layer) this.#events.switched(layer);
  }

  #forward(packet: RtpPacket): void {
    const { header, descriptor } = outgoingView(packet);
    const now = Date.now();
    if (this.#continueNumbering) {
      const step = this.#lastSentAt ? Math.max(1, Math.round((now - this.#lastSentAt) * VIDEO_TICKS_PER_MS)) : 1;
      this.#sender.replaceRTP(packet.header, false, step);
      this.#continueNumbering = false;
    }
    this.#lastSentAt = now;
    this.#forwardedAny = true;
    this.bytesSent += RTP_HEADER_BYTES + packet.payload.length;
    // The payload is shared with every other subscriber of the layer: the rewriter copies it when it changes it.
    this.#sender.sendRtpNow(new RtpPacket(header, this.#vp8.rewrite(packet.payload, descriptor)));
  }

  #stopRetry(): void {
    clearInterval(this.#retry);
    this.#retry = undefined;
  }

  #stopSources(): void {
    for (const stop of this.#stopListening) stop();
    this.#stopListening = [];
  }
}
