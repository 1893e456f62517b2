/**
 * The publish peer connection: the client offers its camera and microphone, the server answers.
 *
 * One sendonly transceiver per media kind, created on the first publish of that kind and reused
 * afterwards (`replaceTrack`), so republishing never grows the SDP. Every publish renegotiates and
 * lists the kinds now sent with their mids, which is how the server learns what it receives.
 * Unpublishing only detaches the track (`replaceTrack(null)`); the client tells the server with an
 * `unpublish` message, so no renegotiation is needed.
 */
import type { MediaKind } from '@parley/protocol';
import { webrtcFailed } from '../errors.ts';
import { completeLocalSdp } from './iceGathering.ts';
import { peerConfiguration, watchPeerState, type PeerStateListener } from './peerConfig.ts';
import { preferVideoCodec, type VideoCodec } from './videoCodec.ts';

export interface PublishOffer {
  sdp: string;
  tracks: Array<{ mid: string; kind: MediaKind }>;
}

/** Sends an offer to the server and resolves with its answer's SDP. */
export type SendPublishOffer = (offer: PublishOffer) => Promise<string>;

export class PublishConnection {
  #pc: RTCPeerConnection | undefined;
  #iceServers: RTCIceServer[] | undefined;
  #sendOffer: SendPublishOffer;
  #transceivers = new Map<MediaKind, RTCRtpTransceiver>();
  /** Kinds whose transceiver carries a track now. */
  #sending = new Set<MediaKind>();

  #onState: PeerStateListener | undefined;
  #codec: VideoCodec;

  constructor(iceServers: RTCIceServer[] | undefined, codec: VideoCodec, sendOffer: SendPublishOffer, onState?: PeerStateListener) {
    this.#iceServers = iceServers;
    this.#codec = codec;
    this.#sendOffer = sendOffer;
    this.#onState = onState;
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Starts sending `tracks` (at most one per kind) and renegotiates. */
  async publish(tracks: Array<{ kind: MediaKind; track: MediaStreamTrack }>): Promise<void> {
    if (!this.#pc) {
      this.#pc = new RTCPeerConnection(peerConfiguration(this.#iceServers));
      watchPeerState(this.#pc, this.#onState);
    }
    const pc = this.#pc;
    const added: MediaKind[] = [];
    try {
      for (const { kind, track } of tracks) {
        const existing = this.#transceivers.get(kind);
        if (existing) {
          await existing.sender.replaceTrack(track);
          existing.direction = 'sendonly';
        } else {
          const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
          if (kind === 'video') preferVideoCodec(transceiver, this.#codec);
          this.#transceivers.set(kind, transceiver);
        }
        if (!this.#sending.has(kind)) added.push(kind);
        this.#sending.add(kind);
      }
      await this.#negotiate(pc);
    } catch (error) {
      for (const kind of added) {
        this.#sending.delete(kind);
        await this.#transceivers.get(kind)?.sender.replaceTrack(null).catch(() => {});
      }
      if (pc.signalingState === 'have-local-offer') await pc.setLocalDescription({ type: 'rollback' }).catch(() => {});
      throw error;
    }
  }

  /** Sends `track` in place of what `kind` sends now, without renegotiating (a device switch). */
  async replace(kind: MediaKind, track: MediaStreamTrack): Promise<void> {
    if (this.#sending.has(kind)) await this.#transceivers.get(kind)?.sender.replaceTrack(track);
  }

  /** Stops sending `kind`; the transceiver stays for a later publish. */
  async unpublish(kind: MediaKind): Promise<void> {
    this.#sending.delete(kind);
    await this.#transceivers.get(kind)?.sender.replaceTrack(null);
  }

  isSending(kind: MediaKind): boolean {
    return this.#sending.has(kind);
  }

  getStats(): Promise<RTCStatsReport | undefined> {
    return this.#pc ? this.#pc.getStats() : Promise.resolve(undefined);
  }

  close(): void {
    this.#pc?.close();
    this.#pc = undefined;
    this.#transceivers.clear();
    this.#sending.clear();
  }

  async #negotiate(pc: RTCPeerConnection): Promise<void> {
    let sdp: string;
    try {
      await pc.setLocalDescription(await pc.createOffer());
      sdp = await completeLocalSdp(pc);
    } catch (cause) {
      throw webrtcFailed('CREATE_OFFER_FAILED', 'Creating the publish offer', cause);
    }
    const tracks: PublishOffer['tracks'] = [];
    for (const kind of this.#sending) {
      const mid = this.#transceivers.get(kind)?.mid;
      if (mid) tracks.push({ mid, kind });
    }
    const answer = await this.#sendOffer({ sdp, tracks });
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    } catch (cause) {
      throw webrtcFailed('SET_ANSWER_FAILED', 'Applying the server\'s publish answer', cause);
    }
  }
}
