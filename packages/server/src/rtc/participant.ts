/**
 * One user in a room: their signaling peer, their publish connection (what they send) and their
 * subscribe connection (what they receive), the data channel their publish connection may carry,
 * their role and privileges.
 */
import { randomBytes } from 'node:crypto';
import { NO_TOKEN_EXPIRY, type ClientRole, type MediaConnection, type MediaKind, type Participant as ParticipantView, type RemoteStreamFallbackType, type RemoteStreamType, type RemoteUser, type ServerMessage } from '@parley/protocol';
import { encodeSenderUid, type DataFrameKind } from '@parley/protocol/data-channel';
import { DataLink, type DataDropReason } from './dataLink.ts';
import type { MediaLossReason, MediaNetwork } from './peerFactory.ts';
import { PublishConnection, type PublishedTrack } from './publishConnection.ts';
import type { SignalingPeer } from './signalingPeer.ts';
import type { VideoLayer } from './simulcast/layerChoice.ts';
import type { VideoPreferences } from './simulcast/videoSubscription.ts';
import { SubscribeConnection } from './subscribeConnection.ts';

export type { PublishedTrack } from './publishConnection.ts';

export type { MediaConnection } from '@parley/protocol';
export type { MediaLossReason } from './peerFactory.ts';

/** What a participant reports about its media connections; the RtcService counts and reacts. */
export interface MediaWatch {
  /** A peer connection found no free UDP port and was closed. */
  portsExhausted(participant: Participant, connection: MediaConnection): void;
  /** A peer connection did not connect in time, or failed later, and was closed; what it carried is kept for `restart-media`. */
  connectionLost(participant: Participant, connection: MediaConnection, reason: MediaLossReason): void;
  /** werift failed to make or apply a subscribe offer. */
  negotiationFailed(participant: Participant, error: unknown): void;
  /** A frame arrived on the participant's data channel, well-formed and within its budget: for the room. */
  dataFrame(participant: Participant, kind: DataFrameKind, payload: Uint8Array): void;
  /** Something on the participant's data channel was dropped. */
  dataDropped(participant: Participant, reason: DataDropReason): void;
  /** The participant kept flooding its data channel, which is now closed for the session. */
  dataCutOff(participant: Participant): void;
  /** werift could not parse an SCTP packet of the participant; it was dropped. */
  sctpRejected(participant: Participant, error: unknown): void;
}

export interface ParticipantInit {
  appId: string;
  channel: string;
  uid: number | string;
  role: ClientRole | 'recorder';
  platform: string;
  mode: 'rtc' | 'live';
  /** The client encrypts its media end to end: the SFU forwards it, nobody here can decode it. */
  encrypted?: boolean;
  network: MediaNetwork;
  /** Unix seconds; NO_TOKEN_EXPIRY for a session that joined without a token (testing mode). */
  tokenExpiresAt: number;
  /** Kinds the token and ban rules let this user publish (empty for the audience). */
  mayPublish: Set<MediaKind>;
  /** Kinds the token and ban rules allow whatever the role: what a host may publish after a role switch. */
  publishGrant?: Set<MediaKind>;
  watch: MediaWatch;
  /** A cascaded channel: this user is connected to that node, and its tracks are relayed from there. */
  relayedFrom?: string;
}

export class Participant {
  readonly sessionId = randomBytes(12).toString('hex');
  readonly resumeToken = randomBytes(24).toString('base64url');
  readonly appId: string;
  readonly channel: string;
  readonly uid: number | string;
  /** Live mode: a host or audience member may switch during the call (setRole). */
  role: ClientRole | 'recorder';
  readonly platform: string;
  readonly mode: 'rtc' | 'live';
  /** The client encrypts its media end to end (see ParticipantInit.encrypted). */
  readonly encrypted: boolean;
  /** Set for a user of a cascaded channel who is connected to another node (see ParticipantInit.relayedFrom). */
  readonly relayedFrom: string | undefined;
  readonly joinedAt = Date.now();
  readonly muted = { audio: false, video: false };
  /** The client's last report of its own link (Agora's 0–6 scale). */
  networkQuality: { uplink: number; downlink: number } | undefined;
  mayPublish: Set<MediaKind>;
  publishGrant: Set<MediaKind>;
  tokenExpiresAt: number;
  /** Joined without a token (testing mode) and has not renewed with one since. */
  get tokenless(): boolean {
    return this.tokenExpiresAt === NO_TOKEN_EXPIRY;
  }
  /** Set once the participant has left; every later call is a no-op. */
  leftReason: number | undefined;
  /** When the client last showed it is there (a message or a pong); a lost session is billed until then. */
  lastSeenAt = Date.now();

  #peer: SignalingPeer | undefined;
  #publishing: PublishConnection;
  #receiving: SubscribeConnection;
  #data: DataLink;
  #dataSender: Uint8Array | undefined;

  constructor(init: ParticipantInit, peer: SignalingPeer) {
    this.appId = init.appId;
    this.channel = init.channel;
    this.uid = init.uid;
    this.role = init.role;
    this.platform = init.platform;
    this.mode = init.mode;
    this.encrypted = init.encrypted ?? false;
    this.relayedFrom = init.relayedFrom;
    this.tokenExpiresAt = init.tokenExpiresAt;
    this.mayPublish = init.mayPublish;
    this.publishGrant = init.publishGrant ?? new Set(init.mayPublish);
    this.#peer = peer;
    const watch = init.watch;
    const failuresOf = (connection: MediaConnection) => ({
      portsExhausted: () => watch.portsExhausted(this, connection),
      connectionLost: (reason: MediaLossReason) => {
        if (this.leftReason === undefined) watch.connectionLost(this, connection, reason);
      },
    });
    this.#data = new DataLink({
      maySend: () => this.role === 'host',
      relay: (kind, payload) => watch.dataFrame(this, kind, payload),
      dropped: (reason) => watch.dataDropped(this, reason),
      cutOff: () => watch.dataCutOff(this),
    });
    this.#publishing = new PublishConnection(init.network, {
      ...failuresOf('publish'),
      dataChannel: (channel) => this.#data.accept(channel),
      sctpRejected: (error) => watch.sctpRejected(this, error),
    });
    this.#receiving = new SubscribeConnection(init.network, {
      ...failuresOf('subscribe'),
      send: (message) => this.send(message),
      active: () => this.leftReason === undefined,
      negotiationFailed: (error) => watch.negotiationFailed(this, error),
    });
  }

  get key(): string {
    return String(this.uid);
  }

  get peer(): SignalingPeer | undefined {
    return this.#peer;
  }

  get publishedKinds(): MediaKind[] {
    return this.#publishing.kinds;
  }

  publishedTrack(kind: MediaKind): PublishedTrack | undefined {
    return this.#publishing.track(kind);
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
    const pending = this.#receiving.pendingOffer;
    if (pending) peer.send(pending);
  }

  asRemoteUser(): RemoteUser {
    return {
      uid: this.uid,
      role: this.role === 'recorder' ? 'audience' : this.role,
      published: this.publishedKinds,
      muted: { ...this.muted },
      ...(this.networkQuality ? { networkQuality: { ...this.networkQuality } } : {}),
    };
  }

  asView(): ParticipantView {
    return {
      uid: this.uid,
      role: this.role,
      joinedAt: new Date(this.joinedAt).toISOString(),
      publishingAudio: this.#publishing.has('audio') && !this.muted.audio,
      publishingVideo: this.#publishing.has('video') && !this.muted.video,
      platform: this.platform,
      sessionId: this.sessionId,
    };
  }

  // ------------------------------------------------------------------ publishing

  /** Answers an offer on the publish connection (see PublishConnection.answer). */
  answerPublishOffer(sdp: string, tracks: Array<{ mid: string; kind: MediaKind }>): Promise<{ sdp: string; kinds: Map<MediaKind, PublishedTrack> }> {
    return this.#publishing.answer(sdp, tracks);
  }

  setPublished(track: PublishedTrack): void {
    this.#publishing.set(track);
  }

  removePublished(kind: MediaKind): boolean {
    return this.#publishing.remove(kind);
  }

  /** Asks this publisher's client for a keyframe of its video (of one layer, with dual stream; default high). */
  requestKeyframe(layer?: VideoLayer): void {
    this.#publishing.requestKeyframe(layer);
  }

  // ------------------------------------------------------------------ subscribing

  isSubscribed(publisher: Participant, kind: MediaKind): boolean {
    return this.#receiving.has(publisher, kind);
  }

  /** The kind of every stream forwarded to this participant. */
  subscribedKinds(): MediaKind[] {
    return this.#receiving.kinds();
  }

  subscriptionsTo(publisher: Participant): MediaKind[] {
    return this.#receiving.kindsFrom(publisher);
  }

  /** Starts forwarding `publisher`'s track of `kind` to this participant, then renegotiates. */
  subscribe(publisher: Participant, published: PublishedTrack, preferences?: VideoPreferences): Promise<void> {
    return this.#receiving.add(publisher, published, preferences);
  }

  /** `publisher` published a kind this participant receives anew: forward the new track. */
  sourceChanged(publisher: Participant, published: PublishedTrack): Promise<void> {
    return this.#receiving.updateSource(publisher, published);
  }

  /** Which layer of `publisher`'s dual-stream video to receive; DomainError when not subscribed to it. */
  setStreamType(publisher: Participant, streamType: RemoteStreamType): void {
    this.#receiving.setStreamType(publisher, streamType);
  }

  /** How `publisher`'s video falls back on a weak downlink; DomainError when not subscribed to it. */
  setStreamFallback(publisher: Participant, fallback: RemoteStreamFallbackType): void {
    this.#receiving.setFallbackOption(publisher, fallback);
  }

  /** The layer of `publisher`'s video received now (undefined when none is forwarded). */
  videoLayer(publisher: Participant): VideoLayer | undefined {
    return this.#receiving.videoLayer(publisher);
  }

  unsubscribe(publisher: Participant, kind: MediaKind): Promise<boolean> {
    return this.#receiving.remove(publisher, kind);
  }

  /** Sends a new subscribe offer now, or once the outstanding one is answered. */
  negotiate(): void {
    this.#receiving.negotiate();
  }

  /** Applies the client's answer; false when it answers an offer that is no longer current. */
  acceptSubscribeAnswer(offerId: number, sdp: string): Promise<boolean> {
    return this.#receiving.acceptAnswer(offerId, sdp);
  }

  /** Drops every subscription to `publisher` (it unpublished or left). */
  dropSubscriptionsTo(publisher: Participant, kind?: MediaKind): Promise<void> {
    return this.#receiving.removeAllFrom(publisher, kind);
  }

  // ------------------------------------------------------------------ rebuilding a media connection

  /**
   * The client rebuilds one of its media connections (`restart-media`). Publish: the old
   * connection and its data channel close, the next offer makes new ones, and the published
   * tracks stay until it arrives. Subscribe: every subscription is offered again on a new one.
   */
  async restartMedia(connection: MediaConnection): Promise<void> {
    if (connection === 'subscribe') return this.#receiving.restart();
    this.#data.close();
    this.#publishing.restart();
  }

  // ------------------------------------------------------------------ data channel

  /** How the SFU's data frames name this participant as their sender. */
  get dataSender(): Uint8Array {
    return (this.#dataSender ??= encodeSenderUid(this.uid));
  }

  /** Sends an SFU data frame to this participant, if its data channel is open. */
  sendData(frame: Uint8Array): void {
    this.#data.send(frame);
  }

  // ------------------------------------------------------------------ leaving

  /** Closes the data channel, both peer connections and the socket. */
  async close(code: number, reason: string): Promise<void> {
    this.#peer?.close(code, reason);
    this.#peer = undefined;
    this.#data.close();
    await Promise.allSettled([this.#publishing.close(), this.#receiving.close()]);
  }
}
