/**
 * A participant's publish connection: the client offers its camera and microphone, the SFU
 * answers, and the tracks it receives are what the room forwards. Closed (freeing its UDP port)
 * when it finds no free port or does not connect in time.
 */
import type { MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { MediaKind } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { completeLocalDescription, createPeer, hasCandidates, watchConnect, type MediaNetwork } from './peerFactory.ts';
import { keepChosenVideoCodec } from './videoCodecs.ts';

export interface PublishedTrack {
  kind: MediaKind;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
}

/** How long a negotiated transceiver may take to show its track. */
const FIRST_TRACK_TIMEOUT_MS = 5_000;

export interface ConnectionFailures {
  portsExhausted(): void;
  connectTimedOut(): void;
}

export class PublishConnection {
  #network: MediaNetwork;
  #failures: ConnectionFailures;
  #pc: RTCPeerConnection | undefined;
  #stopConnectWatch: (() => void) | undefined;
  #published = new Map<MediaKind, PublishedTrack>();

  constructor(network: MediaNetwork, failures: ConnectionFailures) {
    this.#network = network;
    this.#failures = failures;
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
    const pc = (this.#pc ??= createPeer(this.#network));
    // One video codec per answer: the publisher sends it, and subscribers are offered exactly it.
    await pc.setRemoteDescription({ type: 'offer', sdp: keepChosenVideoCodec(sdp) });
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await completeLocalDescription(pc);
    if (!hasCandidates(answer)) {
      this.#closePeer();
      this.#failures.portsExhausted();
      throw new DomainError('media_ports_exhausted', 'No UDP port is free for media on this server: try again later');
    }
    this.#stopConnectWatch ??= watchConnect(pc, this.#network.connectTimeoutMs, () => {
      this.#closePeer();
      this.#failures.connectTimedOut();
    });
    const kinds = new Map<MediaKind, PublishedTrack>();
    for (const { mid, kind } of tracks) {
      const transceiver = pc.getTransceivers().find((t) => t.mid === mid && t.kind === kind);
      const track = transceiver?.receiver.tracks[0] ?? (transceiver ? await firstTrack(transceiver) : undefined);
      if (transceiver && track) kinds.set(kind, { kind, track, transceiver });
    }
    return { sdp: answer, kinds };
  }

  /** Asks the client for a keyframe of its video. */
  requestKeyframe(): void {
    const video = this.#published.get('video');
    const ssrc = video?.track.ssrc;
    if (video && ssrc !== undefined) void video.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {});
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
    this.#stopConnectWatch?.();
    this.#stopConnectWatch = undefined;
    this.#published.clear();
    await this.#pc?.close();
  }
}

function firstTrack(transceiver: RTCRtpTransceiver): Promise<MediaStreamTrack | undefined> {
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
