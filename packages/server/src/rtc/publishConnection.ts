/**
 * A participant's publish connection: the client offers its camera and microphone, the SFU
 * answers, and the tracks it receives are what the room forwards. It also carries the client's
 * data channel, when the client opens one (see @parley/protocol/data-channel for why here).
 * Closed (freeing its UDP port) when it finds no free port, does not connect in time or fails later;
 * the published tracks stay meanwhile, and the client rebuilds the connection (`restart-media`).
 *
 * A video offered with dual stream (RID simulcast, `a=rid:h` and `a=rid:l`) arrives as one track
 * per layer; werift answers with the rids echoed. The high layer is the published track (what
 * recorders take), and the layers go to the subscribers' forwarders.
 */
import type { MediaStreamTrack, RTCDataChannel, RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { SIMULCAST_RIDS, type MediaKind } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { completeLocalDescription, createPeer, hasCandidates, watchConnection, type MediaLossReason, type MediaNetwork } from './peerFactory.ts';
import { generateNacks } from './nackGenerator.ts';
import { guardSctp } from './sctpGuard.ts';
import type { VideoLayer } from './simulcast/layerChoice.ts';
import { keepChosenVideoCodec } from './videoCodecs.ts';
import { KeyframeRequests } from './keyframeRequests.ts';

export interface PublishedTrack {
  kind: MediaKind;
  /** The track, or with dual stream its high layer. */
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  /** With dual stream: each layer's track. */
  layers?: ReadonlyMap<VideoLayer, MediaStreamTrack>;
}

/** Each layer of a published track (one, `high`, without dual stream). */
export function layersOf(published: PublishedTrack): ReadonlyMap<VideoLayer, MediaStreamTrack> {
  return published.layers ?? new Map([['high', published.track]]);
}

/** How long a negotiated transceiver may take to show its track. */
const FIRST_TRACK_TIMEOUT_MS = 5_000;

export interface ConnectionFailures {
  portsExhausted(): void;
  /** The connection did not connect in time, or failed later: it was closed, what it carried is kept. */
  connectionLost(reason: MediaLossReason): void;
}

export interface PublishSide extends ConnectionFailures {
  /** The client opened a data channel. */
  dataChannel(channel: RTCDataChannel): void;
  /** werift could not parse an SCTP packet of this client; it was dropped. */
  sctpRejected(error: unknown): void;
}

export class PublishConnection {
  #network: MediaNetwork;
  #side: PublishSide;
  #pc: RTCPeerConnection | undefined;
  #stopConnectWatch: (() => void) | undefined;
  #published = new Map<MediaKind, PublishedTrack>();
  /** Keyframe requests to the client: at most one per layer every 200 ms. */
  #keyframeRequests = new KeyframeRequests();

  constructor(network: MediaNetwork, side: PublishSide) {
    this.#network = network;
    this.#side = side;
  }

  get kinds(): MediaKind[] {
    return [...this.#published.keys()];
  }

  track(kind: MediaKind): PublishedTrack | undefined {
    return this.#published.get(kind);
  }

  has(kind: MediaKind): boolean {
    return this.#published.has(kind);
  }

  set(track: PublishedTrack): void {
    this.#published.set(track.kind, track);
  }

  remove(kind: MediaKind): boolean {
    return this.#published.delete(kind);
  }

  /**
   * Answers an offer. Resolves with the answer SDP and the tracks of the declared kinds that now
   * exist (a kind's track appears once its transceiver is negotiated).
   */
  async answer(sdp: string, tracks: ReadonlyArray<{ mid: string; kind: MediaKind }>): Promise<{ sdp: string; kinds: Map<MediaKind, PublishedTrack> }> {
    const pc = (this.#pc ??= this.#createPeer());
    // One video codec per answer: the publisher sends it, and subscribers are offered exactly it.
    await pc.setRemoteDescription({ type: 'offer', sdp: keepChosenVideoCodec(sdp) });
    guardSctp(pc, (error) => this.#side.sctpRejected(error));
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await completeLocalDescription(pc);
    if (!hasCandidates(answer)) {
      this.#closePeer();
      this.#side.portsExhausted();
      throw new DomainError('media_ports_exhausted', 'No UDP port is free for media on this server: try again later');
    }
    this.#stopConnectWatch ??= watchConnection(pc, this.#network.connectTimeoutMs, (reason) => {
      this.#closePeer();
      this.#side.connectionLost(reason);
    });
    const kinds = new Map<MediaKind, PublishedTrack>();
    for (const { mid, kind } of tracks) {
      const transceiver = pc.getTransceivers().find((t) => t.mid === mid && t.kind === kind);
      if (!transceiver) continue;
      if (kind === 'video') generateNacks(transceiver.receiver, (ssrc) => this.#requestKeyframeOf(transceiver, ssrc));
      const layers = kind === 'video' ? simulcastLayers(transceiver) : undefined;
      const track = layers?.get('high') ?? transceiver.receiver.tracks[0] ?? (await firstTrack(transceiver));
      if (track) kinds.set(kind, { kind, track, transceiver, ...(layers ? { layers } : {}) });
    }
    return { sdp: answer, kinds };
  }

  /** Asks the client for a keyframe of its video (of one layer, with dual stream). */
  requestKeyframe(layer: VideoLayer = 'high'): void {
    const video = this.#published.get('video');
    const track = video && layersOf(video).get(layer);
    // A layer's SSRC is not in the SDP (only its rid): it is known from its first packet.
    const ssrc = track?.ssrc ?? track?.header?.ssrc;
    if (video && ssrc !== undefined) this.#requestKeyframeOf(video.transceiver, ssrc);
  }

  #requestKeyframeOf(transceiver: RTCRtpTransceiver, ssrc: number): void {
    this.#keyframeRequests.request(ssrc, () => void transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {}));
  }

  #createPeer(): RTCPeerConnection {
    const pc = createPeer(this.#network, 'publish');
    pc.onDataChannel.subscribe((channel) => this.#side.dataChannel(channel));
    return pc;
  }

  /**
   * The client rebuilds its publish connection (`restart-media`): the old one is closed and the
   * next offer makes a new one. The published tracks stay, so the room moves subscribers to the
   * new connection's tracks when they arrive (Room.publish) and nobody sees an unpublish.
   */
  restart(): void {
    this.#closePeer();
  }

  /** Closes the peer connection; the client may negotiate a new one. */
  #closePeer(): void {
    this.#stopConnectWatch?.();
    this.#stopConnectWatch = undefined;
    const pc = this.#pc;
    this.#pc = undefined;
    void pc?.close().catch(() => {});
  }

  async close(): Promise<void> {
    this.#keyframeRequests.stop();
    this.#stopConnectWatch?.();
    this.#stopConnectWatch = undefined;
    this.#published.clear();
    await this.#pc?.close();
  }
}

/** The layers of a video received with dual stream; undefined for a single stream. */
function simulcastLayers(transceiver: RTCRtpTransceiver): Map<VideoLayer, MediaStreamTrack> | undefined {
  const byRid = transceiver.receiver.trackByRID;
  const high = byRid[SIMULCAST_RIDS.high];
  const low = byRid[SIMULCAST_RIDS.low];
  if (!high || !low) return undefined;
  return new Map([['high', high], ['low', low]]);
}

/** The transceiver's first track, once werift makes it; undefined after FIRST_TRACK_TIMEOUT_MS. */
export function firstTrack(transceiver: RTCRtpTransceiver): Promise<MediaStreamTrack | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      subscription.unSubscribe();
      resolve(undefined);
    }, FIRST_TRACK_TIMEOUT_MS);
    const subscription = transceiver.onTrack.subscribe((track) => {
      clearTimeout(timer);
      subscription.unSubscribe();
      resolve(track);
    });
  });
}
