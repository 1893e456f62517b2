/**
 * One track of a participant connected here, sent to another node of a cascaded channel: a werift
 * peer connection with one sendonly transceiver, offered by this node and answered by the other.
 * Whatever the other node's subscribers need of the track crosses once, on this connection.
 * Keyframe requests from there reach the publisher; when the publisher publishes the kind anew
 * (dual stream switched), the connection carries the new track without renegotiating.
 */
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { MediaKind } from '@parley/protocol';
import type { Participant, PublishedTrack } from '../participant.ts';
import { completeLocalDescription, createPeer, hasCandidates, relayNetwork, watchConnection, type MediaLossReason, type MediaNetwork } from '../peerFactory.ts';
import { offerCodecOf } from '../subscribeConnection.ts';

export class RelaySender {
  readonly publisher: Participant;
  readonly kind: MediaKind;
  /** The node the track goes to. */
  readonly target: string;
  #pc: RTCPeerConnection;
  #transceiver: RTCRtpTransceiver;
  #stopWatch: () => void = () => {};
  #closed = false;

  constructor(network: MediaNetwork, publisher: Participant, published: PublishedTrack, target: string) {
    this.publisher = publisher;
    this.kind = published.kind;
    this.target = target;
    this.#pc = createPeer(relayNetwork(network), 'subscribe');
    this.#transceiver = this.#pc.addTransceiver(published.kind, { direction: 'sendonly' });
    if (published.kind === 'video') offerCodecOf(this.#pc, this.#transceiver, published.track);
    this.#transceiver.sender.onPictureLossIndication.subscribe(() => publisher.requestKeyframe());
    this.#pc.connectionStateChange.subscribe((state) => {
      // The other node's new subscribers get a picture at once.
      if (state === 'connected' && this.kind === 'video') setTimeout(() => publisher.requestKeyframe(), 200);
    });
  }

  /** The offer for the other node; null when no UDP port is free. `onLost`: the relay did not connect in time, or failed later. */
  async offer(published: PublishedTrack, connectTimeoutMs: number, onLost: (reason: MediaLossReason) => void): Promise<string | null> {
    await this.#transceiver.sender.replaceTrack(published.track);
    await this.#pc.setLocalDescription(await this.#pc.createOffer());
    const sdp = await completeLocalDescription(this.#pc);
    if (!hasCandidates(sdp)) return null;
    this.#stopWatch = watchConnection(this.#pc, connectTimeoutMs, onLost);
    return sdp;
  }

  async answer(sdp: string): Promise<void> {
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** The publisher published the kind on another track: send that one. */
  async switchTo(published: PublishedTrack): Promise<void> {
    await this.#transceiver.sender.replaceTrack(published.track);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatch();
    void this.#pc.close().catch(() => {});
  }
}
