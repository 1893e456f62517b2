/**
 * A participant's subscribe connection: the SFU offers one sendonly transceiver per track it
 * forwards to this participant, the client answers. Each audio sender forwards the publisher's
 * remote track (werift rewrites SSRC, payload type and sequence numbers); each video sender is fed
 * by a VideoSubscription, which picks the layer of a dual-stream publisher and switches at
 * keyframes (simulcast/). Keyframe requests from the client are relayed to the publisher, for the
 * layer the client receives. A DownlinkWatch steps the videos down when the client's bandwidth
 * estimate falls short (Agora's stream fallback).
 *
 * One offer is outstanding at a time; changes meanwhile mark the negotiation dirty and are offered
 * once the client answers. Closed (freeing its UDP port) when it finds no free port, does not
 * connect in time or fails later. A lost connection keeps its subscriptions, and `restart()` offers
 * them all again on a new connection when the client asks (`restart-media`).
 */
import { isCodecCompatible, type MediaStreamTrack, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { MediaKind, RemoteStreamFallbackType, RemoteStreamType, ServerMessage } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { checkSubscribeAnswer } from './offerCheck.ts';
import { completeLocalDescription, createPeer, hasCandidates, watchConnection, type MediaNetwork } from './peerFactory.ts';
import { layersOf, type ConnectionFailures, type PublishedTrack } from './publishConnection.ts';
import { DownlinkWatch } from './simulcast/downlinkWatch.ts';
import type { VideoLayer } from './simulcast/layerChoice.ts';
import { VideoSubscription, type VideoPreferences } from './simulcast/videoSubscription.ts';

/** Whose track a subscription forwards: what the subscribe side needs of a publishing participant. */
export interface Publisher {
  readonly key: string;
  readonly uid: number | string;
  requestKeyframe(layer?: VideoLayer): void;
}

interface Subscription {
  publisher: Publisher;
  kind: MediaKind;
  /** What it forwards now (updated when the publisher publishes the kind anew). */
  published: PublishedTrack;
  transceiver: RTCRtpTransceiver;
  /** Video only: what feeds the sender. */
  video: VideoSubscription | undefined;
  stop: () => void;
}

export interface SubscriberSide extends ConnectionFailures {
  send(message: ServerMessage): void;
  /** False once the participant has left: nothing more is negotiated. */
  active(): boolean;
  /** werift could not make or apply an offer; the subscriptions stay, the next change retries. */
  negotiationFailed(error: unknown): void;
}

export class SubscribeConnection {
  #network: MediaNetwork;
  #owner: SubscriberSide;
  #pc: RTCPeerConnection | undefined;
  #stopConnectWatch: (() => void) | undefined;
  #subscriptions = new Map<string, Subscription>();
  /** What a lost connection carried, until the client asks for it again (`restart()`). */
  #lost: Array<{ publisher: Publisher; published: PublishedTrack; preferences: VideoPreferences }> = [];
  #offerId = 0;
  #pendingOffer: { id: number; message: ServerMessage; sections: number } | undefined;
  #negotiationDirty = false;
  #negotiating = false;
  #onConnected: Array<() => void> = [];
  #downlink = new DownlinkWatch(() => this.#videoSubscriptions());

  constructor(network: MediaNetwork, owner: SubscriberSide) {
    this.#network = network;
    this.#owner = owner;
  }

  /** Every stream this connection carries, or carried before it was lost and will offer again. */
  #carried(): Array<{ publisher: Publisher; kind: MediaKind }> {
    return [...this.#subscriptions.values(), ...this.#lost.map((s) => ({ publisher: s.publisher, kind: s.published.kind }))];
  }

  has(publisher: Publisher, kind: MediaKind): boolean {
    return this.#subscriptions.has(`${publisher.key}:${kind}`) || this.#lost.some((s) => s.publisher === publisher && s.published.kind === kind);
  }

  /** The kind of every stream forwarded. */
  kinds(): MediaKind[] {
    return this.#carried().map((s) => s.kind);
  }

  kindsFrom(publisher: Publisher): MediaKind[] {
    return this.#carried()
      .filter((s) => s.publisher === publisher)
      .map((s) => s.kind);
  }

  /** The outstanding offer, for a client that resumes on a new socket and may have missed it. */
  get pendingOffer(): ServerMessage | undefined {
    return this.#pendingOffer?.message;
  }

  /** Starts forwarding `publisher`'s track (video: the layer `preferences` ask for), then renegotiates. */
  async add(publisher: Publisher, published: PublishedTrack, preferences: VideoPreferences = {}): Promise<void> {
    const key = `${publisher.key}:${published.kind}`;
    if (this.#subscriptions.has(key)) return;
    this.#lost = this.#lost.filter((s) => !(s.publisher === publisher && s.published.kind === published.kind));
    const pc = (this.#pc ??= this.#createPeer());
    // Reuse a transceiver freed by an earlier unsubscribe before growing the SDP, when it was
    // negotiated for the same codec (werift will not send another codec on it).
    const used = new Set([...this.#subscriptions.values()].map((s) => s.transceiver));
    let transceiver = pc
      .getTransceivers()
      .find((t) => t.kind === published.kind && t.direction === 'inactive' && !used.has(t) && carriesCodecOf(t, published.track));
    if (transceiver) transceiver.setDirection('sendonly');
    else transceiver = pc.addTransceiver(published.kind, { direction: 'sendonly' });
    if (published.kind === 'video') offerCodecOf(pc, transceiver, published.track);
    const sender = transceiver.sender;
    let video: VideoSubscription | undefined;
    if (published.kind === 'video') {
      video = new VideoSubscription(sender, { uid: publisher.uid, requestKeyframe: (layer) => publisher.requestKeyframe(layer) }, layersOf(published), preferences, (message) => this.#owner.send(message));
    } else {
      await sender.replaceTrack(published.track);
    }
    const relay = sender.onPictureLossIndication.subscribe(() => (video ? video.forwarder.requestKeyframe() : publisher.requestKeyframe()));
    const stopWatching = this.#downlink.watch(sender);
    this.#subscriptions.set(key, {
      publisher,
      kind: published.kind,
      published,
      transceiver,
      video,
      stop: () => {
        relay.unSubscribe();
        stopWatching();
        video?.stop();
      },
    });
    // A new subscriber needs a keyframe at once, as soon as media can flow to it.
    if (video) this.#whenConnected(() => video.forwarder.requestKeyframe());
    this.negotiate();
  }

  /** `publisher` published `kind` anew (another transceiver, or dual stream turned on or off): forward from there. */
  async updateSource(publisher: Publisher, published: PublishedTrack): Promise<void> {
    for (const lost of this.#lost) if (lost.publisher === publisher && lost.published.kind === published.kind) lost.published = published;
    const subscription = this.#subscriptions.get(`${publisher.key}:${published.kind}`);
    if (!subscription) return;
    subscription.published = published;
    if (subscription.video) subscription.video.setLayers(layersOf(published));
    else await subscription.transceiver.sender.replaceTrack(published.track);
  }

  /** Agora's setRemoteVideoStreamType for a subscribed video. */
  setStreamType(publisher: Publisher, streamType: RemoteStreamType): void {
    this.#videoOf(publisher).request(streamType);
  }

  /** Agora's setStreamFallbackOption for a subscribed video. */
  setFallbackOption(publisher: Publisher, fallback: RemoteStreamFallbackType): void {
    this.#videoOf(publisher).setFallbackOption(fallback);
  }

  /** The layer of `publisher`'s video this participant receives now, if any. */
  videoLayer(publisher: Publisher): VideoLayer | undefined {
    return this.#subscriptions.get(`${publisher.key}:video`)?.video?.forwarder.layer;
  }

  #videoOf(publisher: Publisher): VideoSubscription {
    const video = this.#subscriptions.get(`${publisher.key}:video`)?.video;
    if (!video) throw new DomainError('invalid_parameter', `Not subscribed to the video of user ${publisher.uid}: subscribe first`, 'uid');
    return video;
  }

  #videoSubscriptions(): VideoSubscription[] {
    return [...this.#subscriptions.values()].flatMap((s) => (s.video ? [s.video] : []));
  }

  async remove(publisher: Publisher, kind: MediaKind): Promise<boolean> {
    const key = `${publisher.key}:${kind}`;
    const lostBefore = this.#lost.length;
    this.#lost = this.#lost.filter((s) => !(s.publisher === publisher && s.published.kind === kind));
    const subscription = this.#subscriptions.get(key);
    if (!subscription) return this.#lost.length < lostBefore;
    this.#subscriptions.delete(key);
    subscription.stop();
    await subscription.transceiver.sender.replaceTrack(null).catch(() => {});
    subscription.transceiver.setDirection('inactive');
    this.negotiate();
    return true;
  }

  /** Drops every subscription to `publisher` (it unpublished or left). */
  async removeAllFrom(publisher: Publisher, kind?: MediaKind): Promise<void> {
    this.#lost = this.#lost.filter((s) => !(s.publisher === publisher && (kind === undefined || s.published.kind === kind)));
    for (const subscription of [...this.#subscriptions.values()]) {
      if (subscription.publisher === publisher && (kind === undefined || subscription.kind === kind)) await this.remove(publisher, subscription.kind);
    }
  }

  /** Sends a new offer now, or once the outstanding one is answered. */
  negotiate(): void {
    if (!this.#owner.active() || !this.#pc) return;
    if (this.#negotiating || this.#pendingOffer) {
      this.#negotiationDirty = true;
      return;
    }
    this.#negotiating = true;
    this.#negotiationDirty = false;
    void this.#sendOffer()
      .catch((error: unknown) => this.#owner.negotiationFailed(error))
      .finally(() => {
        this.#negotiating = false;
        if (this.#negotiationDirty && !this.#pendingOffer) this.negotiate();
      });
  }

  /** Applies the client's answer; false when it answers an offer that is no longer current. */
  async acceptAnswer(offerId: number, sdp: string): Promise<boolean> {
    if (!this.#pendingOffer || this.#pendingOffer.id !== offerId || !this.#pc) return false;
    checkSubscribeAnswer(sdp, this.#pendingOffer.sections);
    await this.#pc.setRemoteDescription({ type: 'answer', sdp });
    this.#pendingOffer = undefined;
    if (this.#negotiationDirty) this.negotiate();
    return true;
  }

  async close(): Promise<void> {
    this.#stopConnectWatch?.();
    this.#stopConnectWatch = undefined;
    this.#downlink.stop();
    for (const subscription of this.#subscriptions.values()) subscription.stop();
    this.#subscriptions.clear();
    this.#lost = [];
    await this.#pc?.close();
  }

  async #sendOffer(): Promise<void> {
    const pc = this.#pc!;
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await completeLocalDescription(pc);
    if (pc !== this.#pc) return;
    if (!hasCandidates(sdp)) {
      this.#reset();
      this.#owner.portsExhausted();
      return;
    }
    this.#stopConnectWatch ??= watchConnection(pc, this.#network.connectTimeoutMs, (reason) => {
      if (!this.#owner.active()) return;
      this.#lose();
      this.#owner.connectionLost(reason);
    });
    const tracks = [...this.#subscriptions.values()]
      .filter((s) => s.transceiver.mid !== null)
      .map((s) => ({ mid: s.transceiver.mid!, uid: s.publisher.uid, kind: s.kind }));
    const id = ++this.#offerId;
    const message: ServerMessage = { type: 'subscribe-offer', offerId: id, sdp, tracks };
    // Counted in the SDP sent: transceivers added while it was gathered belong to the next offer.
    this.#pendingOffer = { id, message, sections: sdp.match(/^m=/gm)?.length ?? 0 };
    this.#owner.send(message);
  }

  /**
   * The client rebuilds its subscribe connection (`restart-media`): every subscription, including
   * those a lost connection carried, is offered again on a new connection, with the layer and
   * fallback each asked for.
   */
  async restart(): Promise<void> {
    if (this.#subscriptions.size > 0) this.#lose();
    const lost = this.#lost;
    this.#lost = [];
    for (const { publisher, published, preferences } of lost) await this.add(publisher, published, preferences);
  }

  /** Closes the peer connection and keeps what it carried for `restart()`. */
  #lose(): void {
    const carried = [...this.#subscriptions.values()].map(({ publisher, published, video }) => ({ publisher, published, preferences: video?.preferences ?? {} }));
    this.#reset();
    this.#lost.push(...carried);
  }

  /** Closes the peer connection and forgets what it carried; a later subscribe starts afresh. */
  #reset(): void {
    this.#stopConnectWatch?.();
    this.#stopConnectWatch = undefined;
    const pc = this.#pc;
    this.#pc = undefined;
    this.#pendingOffer = undefined;
    this.#negotiationDirty = false;
    this.#onConnected = [];
    for (const subscription of this.#subscriptions.values()) subscription.stop();
    this.#subscriptions.clear();
    void pc?.close().catch(() => {});
  }

  #createPeer(): RTCPeerConnection {
    const pc = createPeer(this.#network, 'subscribe');
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected') return;
      const callbacks = this.#onConnected;
      this.#onConnected = [];
      for (const callback of callbacks) callback();
    });
    return pc;
  }

  #whenConnected(callback: () => void): void {
    if (this.#pc?.connectionState === 'connected') {
      // Give the renegotiated transceiver a moment to carry media before asking for a keyframe.
      setTimeout(callback, 300);
      setTimeout(callback, 1_000);
    } else {
      this.#onConnected.push(callback);
    }
  }
}

/**
 * Offers the subscriber exactly the codec the publisher sends. Video goes out through the layer
 * forwarder's sendRtp, not replaceTrack, so werift cannot learn the codec from a track: without
 * this it would negotiate its first codec (VP8) and label H.264 or VP9 packets as VP8.
 */
export function offerCodecOf(pc: RTCPeerConnection, transceiver: RTCRtpTransceiver, track: MediaStreamTrack): void {
  const source = track.codec;
  if (!source) return;
  const matching = (pc.config.codecs.video ?? []).filter((codec) => isCodecCompatible(source, codec));
  if (matching.length > 0) transceiver.setCodecPreferences(matching);
}

/** Whether `transceiver`'s negotiated codec (if any yet) is the one `track` arrives in. */
function carriesCodecOf(transceiver: RTCRtpTransceiver, track: MediaStreamTrack): boolean {
  const negotiated = transceiver.sender.codec;
  return !negotiated || !track.codec || isCodecCompatible(track.codec, negotiated);
}
