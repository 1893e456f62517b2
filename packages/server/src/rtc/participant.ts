/**
 * One user in a room: their signaling peer, the peer connection they publish on, the one they
 * receive on, what they publish and whom they receive.
 *
 * Media never passes through JavaScript copies: a subscription is a sendonly transceiver on the
 * subscriber's connection whose sender forwards the publisher's remote track (werift rewrites
 * SSRC, payload type and sequence numbers). Keyframe requests from subscribers are relayed to the
 * publisher as PLI.
 */
import { randomBytes } from 'node:crypto';
import type { MediaStreamTrack, RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { ClientRole, MediaKind, Participant as ParticipantView, RemoteUser, ServerMessage } from '@parley/protocol';
import { JoinRefused } from './joinPolicy.ts';
import { checkSubscribeAnswer } from './offerCheck.ts';
import { completeLocalDescription, createPeer, hasCandidates, watchConnect, type MediaNetwork } from './peerFactory.ts';
import type { SignalingPeer } from './signalingPeer.ts';

/** The two peer connections of a participant. */
export type MediaConnection = 'publish' | 'subscribe';

/** What a participant reports about its media connections; the RtcService counts and reacts. */
export interface MediaWatch {
  /** A peer connection found no free UDP port and was closed. */
  portsExhausted(participant: Participant, connection: MediaConnection): void;
  /** A peer connection did not connect in time and was closed; its tracks are gone. */
  connectTimedOut(participant: Participant, connection: MediaConnection): void;
}

export interface PublishedTrack {
  kind: MediaKind;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
}

interface Subscription {
  publisher: Participant;
  kind: MediaKind;
  transceiver: RTCRtpTransceiver;
  stopRelay: () => void;
}

export interface ParticipantInit {
  appId: string;
  channel: string;
  uid: number | string;
  role: ClientRole | 'recorder';
  platform: string;
  mode: 'rtc' | 'live';
  network: MediaNetwork;
  tokenExpiresAt: number;
  /** Kinds the token and ban rules let this user publish. */
  mayPublish: Set<MediaKind>;
  watch: MediaWatch;
}

export class Participant {
  readonly sessionId = randomBytes(12).toString('hex');
  readonly resumeToken = randomBytes(24).toString('base64url');
  readonly appId: string;
  readonly channel: string;
  readonly uid: number | string;
  readonly role: ClientRole | 'recorder';
  readonly platform: string;
  readonly mode: 'rtc' | 'live';
  readonly joinedAt = Date.now();
  readonly muted = { audio: false, video: false };
  mayPublish: Set<MediaKind>;
  tokenExpiresAt: number;
  /** Set once the participant has left; every later call is a no-op. */
  leftReason: number | undefined;
  /** When the client last showed it is there (a message or a pong); a lost session is billed until then. */
  lastSeenAt = Date.now();

  #network: MediaNetwork;
  #watch: MediaWatch;
  #stopConnectWatch: Partial<Record<MediaConnection, () => void>> = {};
  #peer: SignalingPeer | undefined;
  #publishPc: RTCPeerConnection | undefined;
  #subscribePc: RTCPeerConnection | undefined;
  #published = new Map<MediaKind, PublishedTrack>();
  #subscriptions = new Map<string, Subscription>();
  /** Subscribe-connection offers: one outstanding at a time; changes meanwhile mark it dirty. */
  #offerId = 0;
  #pendingOffer: { id: number; message: ServerMessage; sections: number } | undefined;
  #negotiationDirty = false;
  #negotiating = false;
  #onSubscriberConnected: Array<() => void> = [];

  constructor(init: ParticipantInit, peer: SignalingPeer) {
    this.appId = init.appId;
    this.channel = init.channel;
    this.uid = init.uid;
    this.role = init.role;
    this.platform = init.platform;
    this.mode = init.mode;
    this.#network = init.network;
    this.#watch = init.watch;
    this.tokenExpiresAt = init.tokenExpiresAt;
    this.mayPublish = init.mayPublish;
    this.#peer = peer;
  }

  get key(): string {
    return String(this.uid);
  }

  get peer(): SignalingPeer | undefined {
    return this.#peer;
  }

  get publishedKinds(): MediaKind[] {
    return [...this.#published.keys()];
  }

  publishedTrack(kind: MediaKind): PublishedTrack | undefined {
    return this.#published.get(kind);
  }

  send(message: ServerMessage): void {
    this.#peer?.send(message);
  }

  /** A lost socket: media goes on, signaling waits for `resume`. */
  detach(): void {
    this.#peer = undefined;
  }

  attach(peer: SignalingPeer): void {
    this.#peer = peer;
    // Whatever the client missed of the subscribe negotiation is sent again.
    if (this.#pendingOffer) peer.send(this.#pendingOffer.message);
  }

  asRemoteUser(): RemoteUser {
    return {
      uid: this.uid,
      role: this.role === 'recorder' ? 'audience' : this.role,
      published: this.publishedKinds,
      muted: { ...this.muted },
    };
  }

  asView(): ParticipantView {
    return {
      uid: this.uid,
      role: this.role,
      joinedAt: new Date(this.joinedAt).toISOString(),
      publishingAudio: this.#published.has('audio') && !this.muted.audio,
      publishingVideo: this.#published.has('video') && !this.muted.video,
      platform: this.platform,
      sessionId: this.sessionId,
    };
  }

  // ------------------------------------------------------------------ publishing

  /**
   * Answers an offer on the publish connection. Resolves with the answer SDP and the kinds whose
   * tracks now exist (a kind's track appears once its transceiver is negotiated).
   */
  async answerPublishOffer(sdp: string, tracks: Array<{ mid: string; kind: MediaKind }>): Promise<{ sdp: string; kinds: Map<MediaKind, PublishedTrack> }> {
    const pc = (this.#publishPc ??= createPeer(this.#network));
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    const answer = await completeLocalDescription(pc);
    if (!hasCandidates(answer)) {
      this.#closeMedia('publish');
      this.#watch.portsExhausted(this, 'publish');
      throw new JoinRefused('media_ports_exhausted', 'No UDP port is free for media on this server: try again later');
    }
    this.#stopConnectWatch.publish ??= watchConnect(pc, this.#network.connectTimeoutMs, () => this.#connectTimedOut('publish'));
    const kinds = new Map<MediaKind, PublishedTrack>();
    for (const { mid, kind } of tracks) {
      const transceiver = pc.getTransceivers().find((t) => t.mid === mid && t.kind === kind);
      const track = transceiver?.receiver.tracks[0] ?? (transceiver ? await this.#firstTrack(transceiver) : undefined);
      if (transceiver && track) kinds.set(kind, { kind, track, transceiver });
    }
    return { sdp: answer, kinds };
  }

  #firstTrack(transceiver: RTCRtpTransceiver): Promise<MediaStreamTrack | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        subscription.unSubscribe();
        resolve(undefined);
      }, 5_000);
      const subscription = transceiver.onTrack.subscribe((track) => {
        clearTimeout(timer);
        subscription.unSubscribe();
        resolve(track);
      });
    });
  }

  setPublished(track: PublishedTrack): void {
    this.#published.set(track.kind, track);
  }

  removePublished(kind: MediaKind): boolean {
    return this.#published.delete(kind);
  }

  /** Asks this publisher's client for a keyframe of its video. */
  requestKeyframe(): void {
    const video = this.#published.get('video');
    const ssrc = video?.track.ssrc;
    if (video && ssrc !== undefined) void video.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }

  // ------------------------------------------------------------------ subscribing

  isSubscribed(publisher: Participant, kind: MediaKind): boolean {
    return this.#subscriptions.has(`${publisher.key}:${kind}`);
  }

  /** The kind of every stream forwarded to this participant. */
  subscribedKinds(): MediaKind[] {
    return [...this.#subscriptions.values()].map((s) => s.kind);
  }

  subscriptionsTo(publisher: Participant): MediaKind[] {
    return [...this.#subscriptions.values()].filter((s) => s.publisher === publisher).map((s) => s.kind);
  }

  /** Starts forwarding `publisher`'s track of `kind` to this participant, then renegotiates. */
  async subscribe(publisher: Participant, published: PublishedTrack): Promise<void> {
    const key = `${publisher.key}:${published.kind}`;
    if (this.#subscriptions.has(key)) return;
    const pc = (this.#subscribePc ??= this.#createSubscribePc());
    // Reuse a transceiver freed by an earlier unsubscribe before growing the SDP.
    const used = new Set([...this.#subscriptions.values()].map((s) => s.transceiver));
    let transceiver = pc.getTransceivers().find((t) => t.kind === published.kind && t.direction === 'inactive' && !used.has(t));
    if (transceiver) transceiver.setDirection('sendonly');
    else transceiver = pc.addTransceiver(published.kind, { direction: 'sendonly' });
    await transceiver.sender.replaceTrack(published.track);
    const relay = transceiver.sender.onPictureLossIndication.subscribe(() => publisher.requestKeyframe());
    this.#subscriptions.set(key, { publisher, kind: published.kind, transceiver, stopRelay: () => relay.unSubscribe() });
    // A new subscriber needs a keyframe at once, as soon as media can flow to it.
    if (published.kind === 'video') this.#whenSubscriberConnected(() => publisher.requestKeyframe());
    this.negotiate();
  }

  async unsubscribe(publisher: Participant, kind: MediaKind): Promise<boolean> {
    const key = `${publisher.key}:${kind}`;
    const subscription = this.#subscriptions.get(key);
    if (!subscription) return false;
    this.#subscriptions.delete(key);
    subscription.stopRelay();
    await subscription.transceiver.sender.replaceTrack(null).catch(() => {});
    subscription.transceiver.setDirection('inactive');
    this.negotiate();
    return true;
  }

  /** Closes one media connection and forgets what it carried; the client may negotiate a new one. */
  #closeMedia(connection: MediaConnection): void {
    this.#stopConnectWatch[connection]?.();
    delete this.#stopConnectWatch[connection];
    if (connection === 'publish') {
      const pc = this.#publishPc;
      this.#publishPc = undefined;
      void pc?.close().catch(() => {});
      return;
    }
    const pc = this.#subscribePc;
    this.#subscribePc = undefined;
    this.#pendingOffer = undefined;
    this.#negotiationDirty = false;
    this.#onSubscriberConnected = [];
    for (const subscription of this.#subscriptions.values()) subscription.stopRelay();
    this.#subscriptions.clear();
    void pc?.close().catch(() => {});
  }

  #connectTimedOut(connection: MediaConnection): void {
    if (this.leftReason !== undefined) return;
    this.#closeMedia(connection);
    this.#watch.connectTimedOut(this, connection);
  }

  #createSubscribePc(): RTCPeerConnection {
    const pc = createPeer(this.#network);
    pc.connectionStateChange.subscribe((state) => {
      if (state !== 'connected') return;
      const callbacks = this.#onSubscriberConnected;
      this.#onSubscriberConnected = [];
      for (const callback of callbacks) callback();
    });
    return pc;
  }

  #whenSubscriberConnected(callback: () => void): void {
    if (this.#subscribePc?.connectionState === 'connected') {
      // Give the renegotiated transceiver a moment to carry media before asking for a keyframe.
      setTimeout(callback, 300);
      setTimeout(callback, 1_000);
    } else {
      this.#onSubscriberConnected.push(callback);
    }
  }

  /** Sends a new subscribe offer now, or once the outstanding one is answered. */
  negotiate(): void {
    if (this.leftReason !== undefined || !this.#subscribePc) return;
    if (this.#negotiating || this.#pendingOffer) {
      this.#negotiationDirty = true;
      return;
    }
    this.#negotiating = true;
    this.#negotiationDirty = false;
    void this.#sendOffer().finally(() => {
      this.#negotiating = false;
      if (this.#negotiationDirty && !this.#pendingOffer) this.negotiate();
    });
  }

  async #sendOffer(): Promise<void> {
    const pc = this.#subscribePc!;
    await pc.setLocalDescription(await pc.createOffer());
    const sdp = await completeLocalDescription(pc);
    if (pc !== this.#subscribePc) return;
    if (!hasCandidates(sdp)) {
      this.#closeMedia('subscribe');
      this.#watch.portsExhausted(this, 'subscribe');
      return;
    }
    this.#stopConnectWatch.subscribe ??= watchConnect(pc, this.#network.connectTimeoutMs, () => this.#connectTimedOut('subscribe'));
    const tracks = [...this.#subscriptions.values()]
      .filter((s) => s.transceiver.mid !== null)
      .map((s) => ({ mid: s.transceiver.mid!, uid: s.publisher.uid, kind: s.kind }));
    const id = ++this.#offerId;
    const message: ServerMessage = { type: 'subscribe-offer', offerId: id, sdp, tracks };
    // Counted in the SDP sent: transceivers added while it was gathered belong to the next offer.
    this.#pendingOffer = { id, message, sections: sdp.match(/^m=/gm)?.length ?? 0 };
    this.send(message);
  }

  /** Applies the client's answer; false when it answers an offer that is no longer current. */
  async acceptSubscribeAnswer(offerId: number, sdp: string): Promise<boolean> {
    if (!this.#pendingOffer || this.#pendingOffer.id !== offerId || !this.#subscribePc) return false;
    checkSubscribeAnswer(sdp, this.#pendingOffer.sections);
    await this.#subscribePc.setRemoteDescription({ type: 'answer', sdp });
    this.#pendingOffer = undefined;
    if (this.#negotiationDirty) this.negotiate();
    return true;
  }

  // ------------------------------------------------------------------ leaving

  /** Drops every subscription to `publisher` (it unpublished or left). */
  async dropSubscriptionsTo(publisher: Participant, kind?: MediaKind): Promise<void> {
    for (const subscription of [...this.#subscriptions.values()]) {
      if (subscription.publisher === publisher && (kind === undefined || subscription.kind === kind)) {
        await this.unsubscribe(publisher, subscription.kind);
      }
    }
  }

  /** Closes both peer connections and the socket. */
  async close(code: number, reason: string): Promise<void> {
    for (const stop of Object.values(this.#stopConnectWatch)) stop();
    this.#stopConnectWatch = {};
    for (const subscription of this.#subscriptions.values()) subscription.stopRelay();
    this.#subscriptions.clear();
    this.#published.clear();
    this.#peer?.close(code, reason);
    this.#peer = undefined;
    await Promise.allSettled([this.#publishPc?.close(), this.#subscribePc?.close()]);
  }
}
