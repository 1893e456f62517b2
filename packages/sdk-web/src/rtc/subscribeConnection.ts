/**
 * The subscribe peer connection: the server offers one sendonly transceiver per track this client
 * receives, the client answers. Each `subscribe-offer` lists which mid carries whose track; the
 * connection reports, after every offer, the full list of (uid, kind, MediaStreamTrack) it now
 * receives, and reports single tracks as `ontrack` fires. The server reuses transceivers freed
 * by unsubscribes, so the same MediaStreamTrack may carry another user's media after an offer.
 *
 * Offers are applied one at a time, in the order they arrive.
 */
import type { MediaKind } from '@parley/protocol';
import type { FrameProtection } from '../encryption/frameProtection.ts';
import { webrtcFailed } from '../errors.ts';
import type { ServerMessageOf } from '../signaling/messages.ts';
import { completeLocalSdp } from './iceGathering.ts';
import { peerConfiguration, renewIceServers, watchPeerState, type PeerStateListener } from './peerConfig.ts';

export interface ReceivedTrack {
  uid: number | string;
  kind: MediaKind;
  track: MediaStreamTrack;
  mid: string;
}

export interface SubscribeConnectionHandlers {
  /** Sends the answer to offer `offerId`. */
  sendAnswer(offerId: number, sdp: string): void;
  /** A track appeared (ontrack) for (uid, kind). */
  onTrack(received: ReceivedTrack): void;
  /** After an offer is applied: every track received now. */
  onTracks(received: ReceivedTrack[]): void;
  /** An offer could not be applied. */
  onError(error: Error): void;
  /** The peer connection's state changed. */
  onState?: PeerStateListener;
}

type SubscribeOffer = ServerMessageOf<'subscribe-offer'>;

export class SubscribeConnection {
  #pc: RTCPeerConnection | undefined;
  #iceServers: RTCIceServer[] | undefined;
  #handlers: SubscribeConnectionHandlers;
  #mids = new Map<string, { uid: number | string; kind: MediaKind }>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  /** Opens every frame received when the client encrypts media. */
  #frames: FrameProtection | undefined;

  constructor(iceServers: RTCIceServer[] | undefined, handlers: SubscribeConnectionHandlers, frames?: FrameProtection) {
    this.#iceServers = iceServers;
    this.#handlers = handlers;
    this.#frames = frames;
  }

  /** ICE servers for this connection from now on, the live one included (fresh TURN credentials). */
  setIceServers(iceServers: RTCIceServer[]): void {
    this.#iceServers = iceServers;
    renewIceServers(this.#pc, iceServers);
  }

  get peerConnection(): RTCPeerConnection | undefined {
    return this.#pc;
  }

  /** Queues `offer`; resolves once it is answered (or failed, which `onError` reports). */
  handleOffer(offer: SubscribeOffer): Promise<void> {
    this.#queue = this.#queue.then(() => this.#apply(offer));
    return this.#queue;
  }

  /** The (uid, kind) a mid carries, as of the last offer. */
  ownerOf(mid: string): { uid: number | string; kind: MediaKind } | undefined {
    return this.#mids.get(mid);
  }

  /** The transceiver that receives (uid, kind), as of the last offer. */
  transceiverOf(uid: number | string, kind: MediaKind): RTCRtpTransceiver | undefined {
    for (const [mid, owner] of this.#mids) {
      if (owner.kind === kind && String(owner.uid) === String(uid)) return this.#pc?.getTransceivers().find((t) => t.mid === mid);
    }
    return undefined;
  }

  getStats(): Promise<RTCStatsReport | undefined> {
    return this.#pc ? this.#pc.getStats() : Promise.resolve(undefined);
  }

  close(): void {
    this.#closed = true;
    this.#pc?.close();
    this.#pc = undefined;
    this.#mids.clear();
  }

  async #apply(offer: SubscribeOffer): Promise<void> {
    if (this.#closed) return;
    const pc = (this.#pc ??= this.#create());
    // Set before applying the offer: ontrack fires while setRemoteDescription runs.
    this.#mids = new Map(offer.tracks.map(({ mid, uid, kind }) => [mid, { uid, kind }]));
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      const sdp = await completeLocalSdp(pc);
      if (this.#closed) return;
      this.#handlers.sendAnswer(offer.offerId, sdp);
    } catch (cause) {
      if (!this.#closed) this.#handlers.onError(webrtcFailed('EXCHANGE_SDP_FAILED', 'Answering the server\'s subscribe offer', cause));
      return;
    }
    this.#handlers.onTracks(this.#received(pc));
  }

  #received(pc: RTCPeerConnection): ReceivedTrack[] {
    const received: ReceivedTrack[] = [];
    for (const transceiver of pc.getTransceivers()) {
      const owner = transceiver.mid === null ? undefined : this.#mids.get(transceiver.mid);
      if (owner && transceiver.mid !== null) received.push({ ...owner, track: transceiver.receiver.track, mid: transceiver.mid });
    }
    return received;
  }

  #create(): RTCPeerConnection {
    const pc = new RTCPeerConnection(peerConfiguration(this.#iceServers, this.#frames?.peerConfiguration));
    watchPeerState(pc, this.#handlers.onState);
    pc.ontrack = (event) => {
      // Before any frame reaches the decoder: a frame that does not open is never decoded.
      this.#frames?.protectReceiver(event.receiver, event.track.kind as MediaKind);
      const mid = event.transceiver.mid;
      const owner = mid === null ? undefined : this.#mids.get(mid);
      if (owner && mid !== null) this.#handlers.onTrack({ ...owner, track: event.track, mid });
    };
    return pc;
  }
}
