/**
 * One track of a user connected to another node of a cascaded channel, received here: the answer
 * to that node's offer (see RelaySender). Its track is the relayed user's published track on this
 * node, so subscribers here are fed from it like from any publisher, and their keyframe requests
 * travel back over this connection. Lost packets are asked for again as on a publish connection.
 * Both ends of a relay bind a port of their own that the system picks (see relayNetwork), apart
 * from the media port the nodes' browser connections share.
 */
import type { RTCPeerConnection } from 'werift';
import type { MediaKind } from '@parley/protocol';
import { generateNacks } from '../nackGenerator.ts';
import type { PublishedTrack } from '../participant.ts';
import { firstTrack } from '../publishConnection.ts';
import { completeLocalDescription, createPeer, hasCandidates, relayNetwork, type MediaNetwork } from '../peerFactory.ts';

export class RelayReceiver {
  readonly kind: MediaKind;
  /** Set once the sending node made its offer. */
  relayId: string | undefined;
  #pc: RTCPeerConnection;
  #closed = false;

  /** `lost` is called when the connection fails or the sending node closes it. */
  constructor(network: MediaNetwork, kind: MediaKind, lost: (state: 'failed' | 'closed') => void) {
    this.kind = kind;
    this.#pc = createPeer(relayNetwork(network), 'publish');
    this.#pc.connectionStateChange.subscribe((state) => {
      if ((state === 'failed' || state === 'closed') && !this.#closed) lost(state);
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Answers the sending node's offer; resolves with the answer and, once negotiated, the track. */
  async answer(offer: string): Promise<{ sdp: string; track: Promise<PublishedTrack | undefined> }> {
    await this.#pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await this.#pc.setLocalDescription(await this.#pc.createAnswer());
    const sdp = await completeLocalDescription(this.#pc);
    if (!hasCandidates(sdp)) throw new Error('no UDP port is free for a relay connection');
    const transceiver = this.#pc.getTransceivers().find((t) => t.kind === this.kind);
    if (!transceiver) throw new Error(`the relay offer carries no ${this.kind}`);
    if (this.kind === 'video') generateNacks(transceiver.receiver, (ssrc) => void transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {}));
    const track = transceiver.receiver.tracks[0] ? Promise.resolve(transceiver.receiver.tracks[0]) : firstTrack(transceiver);
    return { sdp, track: track.then((found) => (found ? { kind: this.kind, track: found, transceiver } : undefined)) };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#pc.close().catch(() => {});
  }
}
