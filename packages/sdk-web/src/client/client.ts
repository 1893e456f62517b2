/**
 * ParleyClient: one membership of one channel, shaped like Agora's IAgoraRTCClient. A thin public
 * layer: it checks arguments, keeps what this client publishes, subscribes, routes server notices
 * to the remote users and events, and answers for statistics. Staying in the channel (the socket,
 * join, resume after a lost socket, kick, leave, the connection state) is the session engine's
 * (session/sessionEngine.ts), the way livekit-client puts Room over RTCEngine. The two peer
 * connections (rtc/), the remote users and their tracks (remoteUsers.ts) and the statistics
 * (statsCollector.ts) live in their own modules.
 */
import type { ClientRole, MediaConnection, MediaKind } from '@parley/protocol';
import { DATA_LIMITS, DataFrameKind } from '@parley/protocol/data-channel';
import {
  invalidLocalTrack,
  invalidOperation,
  invalidParams,
  invalidRemoteUser,
  multipleVideoTracks,
  notSupported,
  operationAborted,
  ParleyRTCError,
  remoteUserNotPublished,
} from '../errors.ts';
import { checkEncryptionConfig, type EncryptionMode, type EncryptionSettings } from '../encryption/encryptionConfig.ts';
import { canProtectFrames, FrameProtection } from '../encryption/frameProtection.ts';
import { DEFAULT_LOW_STREAM, lowStreamProfile, type LowStreamParameter, type LowStreamProfile } from '../rtc/dualStream.ts';
import { PublishConnection, type PublishOffer } from '../rtc/publishConnection.ts';
import {
  emptyLocalAudioStats,
  emptyLocalVideoStats,
  type LocalAudioTrackStats,
  type LocalVideoTrackStats,
  type RemoteAudioTrackStats,
  type RemoteVideoTrackStats,
} from '../rtc/stats.ts';
import type { PeerStateListener } from '../rtc/peerConfig.ts';
import { SubscribeConnection } from '../rtc/subscribeConnection.ts';
import type { VideoCodec } from '../rtc/videoCodec.ts';
import { RESUME_WINDOW_MS } from '../protocolConstants.ts';
import { resolveServer, type ServerSetting } from '../serverUrl.ts';
import { SessionEngine, type SessionHost } from '../session/sessionEngine.ts';
import { LocalTrack, type PublishedTrackLink } from '../tracks/localTrack.ts';
import type { LocalAudioTrack } from '../tracks/localAudioTrack.ts';
import type { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import { TypedEmitter } from '../typedEmitter.ts';
import { checkAppId, checkChannelName, checkCodec, checkJoinToken, checkToken, checkUid } from '../validation.ts';
import type { ClientEvents, ConnectionState } from './events.ts';
import { reconcileUsers, type RemoteUser } from './remoteUser.ts';
import { checkFallbackType, checkStreamType, RemoteStreamPreferences } from './remoteStreamPreferences.ts';
import type { RemoteStreamFallbackType, RemoteStreamType } from '../protocolConstants.ts';
import { RemoteUsers } from './remoteUsers.ts';
import { routeServerNotice } from './serverNotices.ts';
import { StatsCollector, type RTCStats } from './statsCollector.ts';
import { StreamMessages } from './streamMessages.ts';
import { toIceServers, type TurnServerConfig } from './turnServer.ts';
import { toLevel, VolumeIndicator, type VolumeIndicatorResult } from './volumeIndicator.ts';
import { PublishedTracks } from './publishedTracks.ts';
import { UserHandover } from './userHandover.ts';
import { MediaRestarts } from './mediaRestarts.ts';
import { NetworkQualityMonitor, type LinkReading, type NetworkQuality } from './networkQuality.ts';

export interface ClientConfig {
  /** "rtc": everyone publishes and subscribes. "live": hosts publish, the audience only watches. */
  mode: 'rtc' | 'live';
  /**
   * Video codec this client publishes in; the SFU forwards it as it is, so subscribers decode it.
   * A browser that cannot send it publishes VP8 (a console warning says so).
   */
  codec: VideoCodec;
  /** Live mode: the role to join with (default "host"); see setClientRole. */
  role?: ClientRole;
  /** Agora's audience latency level; accepted and unused: Parley forwards to every audience in real time. */
  clientRoleOptions?: ClientRoleOptions;
  /**
   * http(s) base URL of the Parley server, or the nodes of a cluster (tried in order at join, and
   * moved between when one dies); default ParleyRTC.setServer(), else the page's origin.
   */
  server?: ServerSetting;
  /** STUN/TURN servers for both peer connections; default none (the SFU is reached directly). */
  iceServers?: RTCIceServer[];
}

/** What sendStreamMessage() takes, as Agora's SendDataStreamMessage. */
export type SendDataStreamMessage = Uint8Array | string | { payload: Uint8Array | string; syncWithAudio?: boolean };

/** Agora's audience latency levels: 1 low latency, 2 ultra-low latency, 3 synchronised. */
export type AudienceLatencyLevelType = 1 | 2 | 3;

/** Agora's options of an audience role. Parley has one latency, real time, for hosts and audience alike. */
export interface ClientRoleOptions {
  level: AudienceLatencyLevelType;
  delay?: number;
}

/** One membership of one channel (Agora's IAgoraRTCClient): join, publish, subscribe, leave, and the events of the call. Made by `ParleyRTC.createClient`. */
export class ParleyClient extends TypedEmitter<ClientEvents> {
  readonly mode: 'rtc' | 'live';
  readonly codec: VideoCodec;

  #iceServers: RTCIceServer[] | undefined;
  readonly #configIceServers: RTCIceServer[] | undefined;
  /** The TURN servers the server handed this session (fresh credentials at join, resume and token renewal). */
  #serverIceServers: RTCIceServer[] = [];
  #volumeIndicator: VolumeIndicator | undefined;
  #networkQuality = new NetworkQualityMonitor(
    () => this.#linkReading(),
    (quality) => {
      this.emit('network-quality', quality);
      // The others read it with getRemoteNetworkQuality; the server passes on changes only.
      if (this.#engine.state === 'CONNECTED') this.#engine.send({ type: 'network-quality', uplink: quality.uplinkNetworkQuality, downlink: quality.downlinkNetworkQuality });
    },
  );
  #role: ClientRole;
  #engine: SessionEngine;
  #publisher: PublishConnection | undefined;
  #subscriber: SubscribeConnection | undefined;
  #users = new RemoteUsers(this, {
    transceiver: (uid, kind) => this.#subscriber?.transceiverOf(uid, kind),
    stats: (uid, kind) => this.#stats.inbound[kind][String(uid)],
  });
  #published = new PublishedTracks();
  /** publish/unpublish run one at a time: each renegotiates the publish connection. */
  #publishQueue: Promise<unknown> = Promise.resolve();
  /** Rebuilds media connections that fail. */
  #restarts = new MediaRestarts(
    (connection) => this.#rebuild(connection),
    (error) => this.emit('exception', error instanceof Error ? error : new Error(String(error))),
  );
  #stats: StatsCollector;
  #trackLink: PublishedTrackLink;
  #messages = new StreamMessages({
    createChannel: () => this.#serially(async () => {
      await this.#engine.connectedSocket('The data channel');
      return this.#publisher!.openDataChannel();
    }),
    received: (kind, uid, payload) => {
      if (kind === DataFrameKind.streamMessage) this.emit('stream-message', uid, payload);
      else this.emit('receive-metadata', uid, payload);
    },
    transportState: () => this.#publisher?.transportState() ?? 'no publish connection',
  });
  /** What setEncryptionConfig asked for the next join; cleared by leave(), as in Agora. */
  #encryption: EncryptionSettings | undefined;
  /** The session's media encryption, from join until the session ends. */
  #frames: FrameProtection | undefined;
  /** Dual stream: whether the camera goes out as two layers, and the low layer's profile. */
  #dualStream = false;
  #lowStream: LowStreamProfile = { ...DEFAULT_LOW_STREAM };
  #remoteStreams = new RemoteStreamPreferences();
  /** After the session moved to another node: the remote users still on their way there. */
  #handover: UserHandover | undefined;

  constructor(config: ClientConfig) {
    super();
    if (config?.mode !== 'rtc' && config?.mode !== 'live') throw invalidParams('createClient needs {mode: "rtc" | "live", codec: "vp8" | "vp9" | "h264" | "av1"}', { field: 'mode' });
    this.codec = checkCodec(config.codec);
    if (config.role !== undefined && config.role !== 'host' && config.role !== 'audience') throw invalidParams('role must be "host" or "audience"', { field: 'role' });
    if (config.server !== undefined) resolveServer(config.server);
    this.mode = config.mode;
    this.#role = config.mode === 'live' ? (config.role ?? 'host') : 'host';
    this.#iceServers = config.iceServers;
    this.#configIceServers = config.iceServers;
    this.#engine = new SessionEngine(this.#sessionHost(), { server: config.server });
    this.#trackLink = {
      mutedChanged: (track) => {
        if (!this.#published.has(track)) return;
        this.#published.refresh();
        this.#sendMute(track.trackMediaType);
      },
      closed: (track) => void this.unpublish(track).catch(() => {}),
      replaced: async (track) => {
        if (!this.#published.has(track)) return;
        this.#published.refresh();
        const sent = this.#published.sent(track.trackMediaType);
        if (sent) await this.#publisher?.replace(track.trackMediaType, sent);
      },
      transceiver: (track) => (this.#published.has(track) ? this.#publisher?.transceiver(track.trackMediaType) : undefined),
      stats: (track) => {
        if (!this.#published.has(track)) return undefined;
        return track.trackMediaType === 'audio' ? this.getLocalAudioStats() : this.getLocalVideoStats();
      },
    };
    this.#stats = new StatsCollector({
      publishStats: () => this.#publisher?.getStats() ?? Promise.resolve(undefined),
      subscribeStats: () => this.#subscriber?.getStats() ?? Promise.resolve(undefined),
      ownerOf: (trackIdentifier, mid) => this.#users.ownerOf(trackIdentifier) ?? (mid ? this.#subscriber?.ownerOf(mid) : undefined),
      publishedFor: (uid, kind) => this.#users.get(uid)?.availableSince[kind] ?? 0,
      sendingKinds: () => this.#published.kinds(),
      userCount: () => (this.#engine.state === 'DISCONNECTED' ? 0 : this.#users.size + 1),
    });
  }

  // ---------------------------------------------------------------- state

  get connectionState(): ConnectionState {
    return this.#engine.state;
  }

  /** This client's uid once joined (the one passed to join, or the one the server chose). */
  get uid(): number | string | undefined {
    return this.#engine.uid;
  }

  get channelName(): string | undefined {
    return this.#engine.channel;
  }

  /** Everyone else in the channel (in live mode, the hosts). */
  get remoteUsers(): RemoteUser[] {
    return this.#users.list();
  }

  /** The tracks this client publishes. */
  get localTracks(): LocalTrack[] {
    return this.#published.all;
  }

  /** Unix seconds when the current token expires (known after join). */
  get tokenExpiresAt(): number | undefined {
    return this.#engine.tokenExpiresAt;
  }

  // ---------------------------------------------------------------- joining and leaving

  /**
   * Joins `channel` of project `appId` with `token`; resolves with this client's uid. Without a uid
   * (or with 0 or null) the server picks a numeric one. `token` null (or '') joins without a token,
   * as in Agora: a project in testing mode lets it in; one that requires tokens refuses it, and
   * join rejects with CAN_NOT_GET_GATEWAY_SERVER (reason invalid_token).
   */
  async join(appId: string, channel: string, token: string | null, uid?: number | string | null): Promise<number | string> {
    checkAppId(appId);
    checkChannelName(channel);
    const checkedToken = checkJoinToken(token);
    const askedUid = checkUid(uid);
    const encryption = this.#encryption;
    if (encryption && this.#engine.state === 'DISCONNECTED') {
      const frames = await FrameProtection.start(encryption, () => this.emit('crypt-error'));
      // Another join() won the race while the key was derived: it fails in the engine below.
      if (this.#engine.state === 'DISCONNECTED' && !this.#frames) this.#frames = frames;
      else frames.close();
    }
    return this.#engine.join({
      type: 'join',
      appId,
      channel,
      ...(checkedToken !== undefined ? { token: checkedToken } : {}),
      ...(askedUid !== undefined ? { uid: askedUid } : {}),
      ...(this.mode === 'live' ? { role: this.#role } : {}),
      mode: this.mode,
      platform: 'web',
      ...(encryption ? { encrypted: true } : {}),
    });
  }

  /** Leaves the channel. Local tracks stay open (close them to release the devices). */
  async leave(): Promise<void> {
    // Agora turns encryption off after leaving a channel; a leave() before any join keeps it on.
    if (this.#engine.state !== 'DISCONNECTED') this.#encryption = undefined;
    this.#engine.leave();
  }

  /**
   * Encrypts this client's media end to end from the next join (Agora's built-in encryption):
   * every audio and video frame is sealed with AES-GCM in the browser, the server forwards what it
   * cannot read, and only clients given the same mode, secret and salt can play it; a client with
   * the wrong key gets no picture or sound and the `crypt-error` event. "aes-128-gcm2" and
   * "aes-256-gcm2" (with a 32-byte salt) are recommended; "aes-128-gcm" and "aes-256-gcm" work too;
   * the other modes throw NOT_SUPPORTED, and "none" turns encryption off. Call before join();
   * leave() turns it off again. The server will not record a channel while encrypted clients are in it.
   */
  setEncryptionConfig(encryptionMode: EncryptionMode, secret: string, salt?: Uint8Array, encryptDataStream?: boolean): void {
    const settings = checkEncryptionConfig(encryptionMode, secret, salt, encryptDataStream, canProtectFrames());
    if (this.#engine.state !== 'DISCONNECTED') throw invalidOperation('Call setEncryptionConfig() before join()');
    this.#encryption = settings;
  }

  /**
   * Live mode: joins as "host" (publishes and subscribes) or "audience" (only subscribes).
   * Parley fixes the role at join, so call this before join(). Agora's `options` (the audience's
   * latency level) are accepted and unused: Parley's audience gets media in real time.
   */
  async setClientRole(role: ClientRole, _options?: ClientRoleOptions): Promise<void> {
    if (role !== 'host' && role !== 'audience') throw invalidParams('role must be "host" or "audience"', { field: 'role' });
    if (this.mode !== 'live') throw invalidOperation('setClientRole() is for live mode: in rtc mode everyone is a host');
    if (this.#engine.state === 'DISCONNECTED') {
      this.#role = role;
      return;
    }
    // During the call, as Agora: a host that becomes audience stops publishing first.
    if (role === this.#role) return;
    if (role === 'audience') await this.unpublish();
    const socket = await this.#engine.connectedSocket('setClientRole()');
    await socket.request({ type: 'set-role', role });
    this.#role = role;
    this.#engine.amendRejoin({ role });
  }

  /**
   * Starts the `volume-indicator` event: every 2 s while connected, the level (0–100) of the
   * local user's published audio and of each remote user whose audio is subscribed.
   */
  enableAudioVolumeIndicator(): void {
    this.#volumeIndicator ??= new VolumeIndicator(() => this.#volumeLevels(), (levels) => this.emit('volume-indicator', levels));
    if (this.#engine.state === 'CONNECTED') this.#volumeIndicator.start();
  }

  #volumeLevels(): VolumeIndicatorResult[] {
    const levels: VolumeIndicatorResult[] = [];
    const localAudio = this.#published.ofKind('audio') as LocalAudioTrack[];
    // Remote users hear the tracks mixed: the loudest one stands for the mix.
    if (localAudio.length > 0 && this.uid !== undefined) levels.push({ uid: this.uid, level: toLevel(Math.max(...localAudio.map((track) => track.getVolumeLevel()))) });
    for (const user of this.remoteUsers) if (user.audioTrack) levels.push({ uid: user.uid, level: toLevel(user.audioTrack.getVolumeLevel()) });
    return levels;
  }

  /** The last `network-quality` this client reported (both 0 before the first, and when not joined). */
  getLocalNetworkQuality(): NetworkQuality {
    return { ...this.#networkQuality.latest };
  }

  /** Same as getLocalNetworkQuality (Agora keeps both names). */
  getNetworkQuality(): NetworkQuality {
    return this.getLocalNetworkQuality();
  }

  /** The link quality each remote user reports of itself, for the users this client receives media from. */
  getRemoteNetworkQuality(): Record<string, NetworkQuality> {
    return this.#users.networkQualities();
  }

  /** The server's clock in Unix milliseconds: the same for every client of the server, to line up playback. */
  getNtpWallTimeInMs(): number {
    return this.#engine.clock.now();
  }

  /**
   * A media connection changed state: `peerconnection-state-change`, and Agora's
   * `media-reconnect-start` / `-end` when it drops and comes back.
   */
  #peerStateChanged(current: RTCPeerConnectionState, previous: RTCPeerConnectionState): void {
    this.emit('peerconnection-state-change', current, previous);
    const uid = this.uid;
    if (uid === undefined) return;
    if (current === 'disconnected' && previous === 'connected') this.emit('media-reconnect-start', uid);
    if (current === 'connected' && previous === 'disconnected') this.emit('media-reconnect-end', uid);
  }

  #linkReading(): LinkReading {
    const { outbound, inbound, rtc } = this.#stats;
    const sent = [outbound.video, outbound.audio].filter((stats) => stats !== undefined);
    const received = [...Object.values(inbound.video), ...Object.values(inbound.audio)];
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    return {
      reconnecting: this.#engine.state === 'RECONNECTING',
      uplink: sent.length ? { packets: sum(sent.map((s) => s.sendPackets)), lost: sum(sent.map((s) => s.sendPacketsLost)), rttMs: rtc.RTT } : undefined,
      downlink: received.length ? { packets: sum(received.map((r) => r.receivePackets)), lost: sum(received.map((r) => r.receivePacketsLost)), rttMs: rtc.RTT } : undefined,
    };
  }

  /** The role this client joins (or joined) with: "host", or "audience" in live mode. */
  get role(): ClientRole {
    return this.#role;
  }

  /** TURN servers (Agora's settings) for the next join, replacing earlier ones given here. */
  setTurnServer(servers: TurnServerConfig | TurnServerConfig[]): void {
    if (this.#engine.state !== 'DISCONNECTED') throw invalidOperation('Call setTurnServer() before join()');
    this.#iceServers = [...(this.#configIceServers ?? []), ...toIceServers(servers)];
  }

  /** Replaces the token before it expires (after `token-privilege-will-expire`). */
  async renewToken(token: string): Promise<void> {
    checkToken(token);
    await this.#engine.renewToken(token);
  }

  // ---------------------------------------------------------------- publishing

  /**
   * Sends local tracks to the channel: one video track, and any number of audio tracks (a
   * microphone and a screen share's sound), which remote users hear mixed as this user's audio.
   */
  async publish(tracks: LocalTrack | LocalTrack[]): Promise<void> {
    const list = [...new Set([tracks].flat())];
    if (list.length === 0) throw invalidParams('publish() needs at least one local track');
    if (list.some(isDataChannelConfig)) throw notSupported('Agora\'s published data channels are not offered: send data with sendStreamMessage()');
    for (const track of list) if (!(track instanceof LocalTrack) || track.isClosed) throw invalidLocalTrack();
    if (this.mode === 'live' && this.#role === 'audience') throw invalidOperation('The audience cannot publish: join as "host" (setClientRole before join)');
    if (list.filter((track) => track.trackMediaType === 'video').length > 1) throw multipleVideoTracks();
    return this.#serially(async () => {
      const socket = await this.#engine.connectedSocket('publish()');
      const epoch = this.#engine.epoch;
      const fresh = list.filter((track) => !this.#published.has(track));
      if (fresh.length === 0) return;
      if (fresh.some((track) => track.trackMediaType === 'video') && this.#published.ofKind('video').length > 0) throw multipleVideoTracks();
      const kinds = new Set(fresh.map((track) => track.trackMediaType));
      this.#published.add(fresh);
      try {
        await this.#sendPublished(kinds);
        if (epoch !== this.#engine.epoch) throw operationAborted('publish()');
      } catch (error) {
        this.#published.remove(fresh);
        await this.#sendPublished(kinds, false).catch(() => {});
        throw error;
      }
      for (const track of fresh) {
        track.linkPublisher(this.#trackLink);
        const transceiver = this.#publisher!.transceiver(track.trackMediaType);
        if (transceiver) track.emit('transceiver-updated', transceiver);
      }
      // The server remembers mute state across republishing: always say where each kind stands.
      for (const kind of kinds) socket.send({ type: 'mute', kind, muted: this.#published.silenced(kind) });
    });
  }

  /** Stops sending the given tracks, or every published track. */
  async unpublish(tracks?: LocalTrack | LocalTrack[]): Promise<void> {
    return this.#serially(async () => {
      const list = tracks === undefined ? this.#published.all : [tracks].flat();
      const toRemove = list.filter((track) => track instanceof LocalTrack && this.#published.has(track));
      if (toRemove.length === 0) return;
      this.#published.remove(toRemove);
      for (const track of toRemove) track.unlinkPublisher(this.#trackLink);
      if (this.#engine.state === 'DISCONNECTED' || this.#engine.state === 'DISCONNECTING') return;
      const socket = await this.#engine.connectedSocket('unpublish()');
      for (const kind of new Set(toRemove.map((track) => track.trackMediaType))) {
        if (this.#published.sent(kind)) {
          // Another track of this kind stays published: it (or the smaller mix) goes on alone.
          await this.#sendPublished(new Set([kind]));
          this.#sendMute(kind);
          continue;
        }
        await this.#publisher?.unpublish(kind);
        await socket.request({ type: 'unpublish', kind });
      }
    });
  }

  /**
   * Points the publish connection at what each of `kinds` sends now: in place on a transceiver
   * that already sends that kind, by renegotiating for a kind not sent yet (unless `negotiate` is
   * false, when rolling back).
   */
  async #sendPublished(kinds: ReadonlySet<MediaKind>, negotiate = true): Promise<void> {
    const publisher = this.#publisher!;
    const added: Array<{ kind: MediaKind; track: MediaStreamTrack }> = [];
    for (const kind of kinds) {
      const sent = this.#published.sent(kind);
      if (!sent) continue;
      if (publisher.isSending(kind)) await publisher.replace(kind, sent);
      else added.push({ kind, track: sent });
    }
    if (negotiate && added.length > 0) await publisher.publish(added);
  }

  #sendMute(kind: MediaKind): void {
    this.#engine.send({ type: 'mute', kind, muted: this.#published.silenced(kind) });
  }

  // ---------------------------------------------------------------- subscribing

  /** Receives a remote user's audio or video; resolves with the remote track once its media arrives. */
  subscribe(user: RemoteUser | number | string, mediaType: 'audio'): Promise<RemoteAudioTrack>;
  subscribe(user: RemoteUser | number | string, mediaType: 'video'): Promise<RemoteVideoTrack>;
  subscribe(user: RemoteUser | number | string, mediaType: MediaKind): Promise<RemoteAudioTrack | RemoteVideoTrack>;
  async subscribe(user: RemoteUser | number | string, mediaType: MediaKind): Promise<RemoteAudioTrack | RemoteVideoTrack> {
    if (mediaType !== 'audio' && mediaType !== 'video') throw invalidParams('mediaType must be "audio" or "video"', { field: 'mediaType' });
    const socket = await this.#engine.connectedSocket('subscribe()');
    const uid = typeof user === 'object' && user !== null ? user.uid : user;
    const state = this.#users.get(uid);
    if (!state) throw invalidRemoteUser(uid);
    if (!(mediaType === 'audio' ? state.hasAudio : state.hasVideo)) throw remoteUserNotPublished(state.uid, mediaType);
    const existing = mediaType === 'audio' ? state.audioTrack : state.videoTrack;
    if (existing) return existing;
    // Wait first: the server may send the offer carrying the track before it answers "ok".
    const arrival = this.#users.waitForTrack(state.uid, mediaType);
    try {
      await socket.request({ type: 'subscribe', uid: state.uid, kind: mediaType, ...(mediaType === 'video' ? this.#remoteStreams.forSubscribe(state.uid) : {}) });
    } catch (error) {
      arrival.catch(() => {});
      this.#users.failWaiting(state.uid, mediaType, error as ParleyRTCError);
      throw error;
    }
    return arrival as Promise<RemoteAudioTrack | RemoteVideoTrack>;
  }

  /** Stops receiving a remote user's `mediaType`, or everything of that user. */
  async unsubscribe(user: RemoteUser | number | string, mediaType?: MediaKind): Promise<void> {
    if (mediaType !== undefined && mediaType !== 'audio' && mediaType !== 'video') throw invalidParams('mediaType must be "audio" or "video"', { field: 'mediaType' });
    const socket = await this.#engine.connectedSocket('unsubscribe()');
    const state = this.#users.get(typeof user === 'object' && user !== null ? user.uid : user);
    if (!state) return;
    const kinds: MediaKind[] = mediaType ? [mediaType] : ['audio', 'video'];
    for (const kind of kinds) {
      const subscribed = (kind === 'audio' ? state.audioTrack : state.videoTrack) !== undefined || this.#users.isWaiting(state.uid, kind);
      if (!subscribed) continue;
      this.#users.dropTrack(state, kind);
      this.#users.failWaiting(state.uid, kind, operationAborted('subscribe()'));
      await socket.request({ type: 'unsubscribe', uid: state.uid, kind });
    }
  }

  // ---------------------------------------------------------------- stream messages and metadata

  /**
   * Sends a message (at most 1 KB) to everyone else in the channel, who get `stream-message`:
   * reliably and in order, over a data channel through the SFU that the first use opens. At most
   * 30 messages and 6 KB a second, metadata included. `syncWithAudio` is accepted and not used:
   * messages are delivered as they arrive. With `needRetry` false the call fails rather than
   * wait when the data channel is not open yet. In live mode only hosts send.
   */
  async sendStreamMessage(message: SendDataStreamMessage, needRetry = true): Promise<void> {
    const content = typeof message === 'object' && message !== null && !(message instanceof Uint8Array) ? message.payload : message;
    const payload = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    if (!(payload instanceof Uint8Array)) throw invalidParams('sendStreamMessage() takes a string, a Uint8Array or {payload}', { field: 'message' });
    this.#checkCanSend('send data stream');
    if (payload.length > DATA_LIMITS.maxPayloadBytes) throw invalidParams('stream message out of range.', { field: 'message', bytes: payload.length });
    await this.#messages.send(DataFrameKind.streamMessage, payload, needRetry);
  }

  /** Sends metadata (at most 1024 bytes) to everyone else in the channel, who get `receive-metadata`. */
  async sendMetadata(metadata: Uint8Array): Promise<void> {
    if (!(metadata instanceof Uint8Array)) throw invalidParams('sendMetadata() takes a Uint8Array', { field: 'metadata' });
    this.#checkCanSend('send metadata');
    if (metadata.length > DATA_LIMITS.maxPayloadBytes) throw new ParleyRTCError('METADATA_OUT_OF_RANGE', `Metadata is at most ${DATA_LIMITS.maxPayloadBytes} bytes`, { data: { bytes: metadata.length } });
    await this.#messages.send(DataFrameKind.metadata, metadata, true);
  }

  /** Agora refuses before join; the channel lives with the media connections, so reconnecting signaling is fine. */
  #checkCanSend(what: string): void {
    const state = this.#engine.state;
    if (state !== 'CONNECTED' && state !== 'RECONNECTING') throw invalidOperation(`can not ${what}, not joined`);
    if (this.mode === 'live' && this.#role === 'audience') throw invalidOperation(`can not ${what} as audience: in live mode only hosts send`);
  }

  protected override listenerAdded(event: keyof ClientEvents): void {
    if ((event === 'stream-message' || event === 'receive-metadata') && this.#engine?.state === 'CONNECTED') this.#messages.want();
  }

  // ---------------------------------------------------------------- dual stream

  /**
   * Sends the camera as two layers from now on: the full picture and a low one (160 × 120, 15 fps,
   * 50 Kbps unless setLowStreamParameter says otherwise). Before or after publish; after, the video
   * is renegotiated and subscribers move over at the next keyframe.
   */
  async enableDualStream(): Promise<void> {
    await this.#setDualStream(true);
  }

  /** Sends the camera as one stream again; subscribers of the low layer get the full picture. */
  async disableDualStream(): Promise<void> {
    await this.#setDualStream(false);
  }

  /**
   * Agora 4.24's dual-stream switch: 1 (ENABLE_SIMULCAST_STREAM) as enableDualStream, 0 (DISABLE)
   * as disableDualStream. -1 (AUTO_SIMULCAST_STREAM, a low layer only while someone asks for it)
   * sends the low layer all along: Parley's SFU does not ask publishers to start it.
   */
  async setDualStreamMode(mode: -1 | 0 | 1, streamParameter?: LowStreamParameter): Promise<void> {
    if (mode !== -1 && mode !== 0 && mode !== 1) throw invalidParams('mode must be -1 (AUTO), 0 (DISABLE) or 1 (ENABLE)', { field: 'mode' });
    if (streamParameter !== undefined) this.#lowStream = lowStreamProfile(streamParameter);
    await this.#setDualStream(mode !== 0);
  }

  /** The low layer's profile; applies at once when dual stream is on and video is published. */
  setLowStreamParameter(streamParameter: LowStreamParameter): void {
    this.#lowStream = lowStreamProfile(streamParameter);
    if (this.#dualStream) {
      void this.#serially(async () => this.#publisher?.setDualStream(this.#lowStream)).catch((error: Error) => this.emit('exception', error));
    }
  }

  #setDualStream(enabled: boolean): Promise<void> {
    return this.#serially(async () => {
      if (this.#dualStream === enabled) return;
      this.#dualStream = enabled;
      await this.#publisher?.setDualStream(enabled ? this.#lowStream : undefined);
    });
  }

  /**
   * Which layer of `uid`'s dual-stream video to receive: 0 (RemoteStreamType.HIGH_STREAM) or 1
   * (LOW_STREAM). Kept for later subscriptions; for a subscribed video the switch comes at the
   * next keyframe of that layer, with `stream-type-changed`.
   */
  async setRemoteVideoStreamType(uid: number | string, streamType: RemoteStreamType): Promise<void> {
    const type = checkStreamType(streamType);
    const remoteUid = remoteUidOf(uid, 'setRemoteVideoStreamType');
    this.#remoteStreams.setType(remoteUid, type);
    await this.#subscribedVideoSocket(remoteUid)?.request({ type: 'set-stream-type', uid: this.#users.get(remoteUid)!.uid, streamType: type });
  }

  /** The layer received of every user without its own setRemoteVideoStreamType (default 0, high). */
  async setRemoteDefaultVideoStreamType(streamType: RemoteStreamType): Promise<void> {
    const type = checkStreamType(streamType);
    this.#remoteStreams.setDefaultType(type);
    for (const user of this.#users.list()) {
      if (!this.#remoteStreams.hasOwnType(user.uid)) await this.#subscribedVideoSocket(user.uid)?.request({ type: 'set-stream-type', uid: user.uid, streamType: type });
    }
  }

  /**
   * What `uid`'s video falls back to when this client's downlink is weak: 0 (DISABLE), 1
   * (LOW_STREAM, the default) or 2 (AUDIO_ONLY: the low layer, then no video, with `stream-fallback`).
   */
  async setStreamFallbackOption(uid: number | string, fallbackType: RemoteStreamFallbackType): Promise<void> {
    const fallback = checkFallbackType(fallbackType);
    const remoteUid = remoteUidOf(uid, 'setStreamFallbackOption');
    this.#remoteStreams.setFallback(remoteUid, fallback);
    await this.#subscribedVideoSocket(remoteUid)?.request({ type: 'set-stream-fallback', uid: this.#users.get(remoteUid)!.uid, fallback });
  }

  /**
   * The socket to tell about `uid`'s video, when this client receives it or has asked to: a change
   * made while a subscribe is on its way follows it on the same socket, so the server applies both in turn.
   */
  #subscribedVideoSocket(uid: number | string) {
    const socket = this.#engine.socket;
    const user = this.#users.get(uid);
    const subscribed = user !== undefined && (user.videoTrack !== undefined || this.#users.isWaiting(user.uid, 'video'));
    return socket && this.#engine.state === 'CONNECTED' && subscribed ? socket : undefined;
  }

  // ---------------------------------------------------------------- statistics

  /** Statistics of each subscribed remote video, by uid; updated every second. */
  getRemoteVideoStats(): Record<string, RemoteVideoTrackStats> {
    return { ...this.#stats.inbound.video };
  }

  /** Statistics of each subscribed remote audio, by uid; updated every second. */
  getRemoteAudioStats(): Record<string, RemoteAudioTrackStats> {
    return { ...this.#stats.inbound.audio };
  }

  /** Statistics of the published video track (zeros when none is published yet). */
  getLocalVideoStats(): LocalVideoTrackStats {
    return this.#stats.outbound.video ?? emptyLocalVideoStats();
  }

  /** Statistics of the published audio track (zeros when none is published yet). */
  getLocalAudioStats(): LocalAudioTrackStats {
    return this.#stats.outbound.audio ?? emptyLocalAudioStats();
  }

  /** Totals for the whole session. */
  getRTCStats(): RTCStats {
    return this.#stats.rtc;
  }

  // ---------------------------------------------------------------- what the session engine tells

  #noteNetworkQualities(users: ReadonlyArray<{ uid: number | string; networkQuality?: { uplink: number; downlink: number } }>): void {
    for (const { uid, networkQuality } of users) if (networkQuality) this.#users.setNetworkQuality(uid, networkQuality.uplink, networkQuality.downlink);
  }

  /** The app's own ICE servers (createClient's, setTurnServer's) first, then the server's TURN. */
  #sessionIceServers(): RTCIceServer[] {
    return [...(this.#iceServers ?? []), ...this.#serverIceServers];
  }

  #sessionHost(): SessionHost {
    return {
      iceServers: (servers) => {
        this.#serverIceServers = servers;
        this.#publisher?.setIceServers(this.#sessionIceServers());
        this.#subscriber?.setIceServers(this.#sessionIceServers());
      },
      started: () => {
        this.#openMediaConnections();
        this.#stats.start();
        this.#networkQuality.start();
      },
      relocated: () => {
        // The old node's media connections lead nowhere now; the data channel rode on one of them.
        this.#restarts.reset();
        this.#handover?.cancel();
        this.#messages.reset();
        this.#publisher?.close();
        this.#subscriber?.close();
        this.#openMediaConnections();
      },
      rejoined: (users) => {
        this.#handover = new UserHandover(this.#users, this.#visible(users), (uid, kind) => this.#resubscribe(uid, kind), RESUME_WINDOW_MS);
        this.#noteNetworkQualities(users);
        if (this.listenerCount('stream-message') + this.listenerCount('receive-metadata') > 0) this.#messages.want();
        this.#republish();
      },
      joined: (users) => {
        if (this.listenerCount('stream-message') + this.listenerCount('receive-metadata') > 0) this.#messages.want();
        this.#users.apply(reconcileUsers(new Map(), this.#visible(users)));
        this.#noteNetworkQualities(users);
        // Agora apps that subscribe in bulk at join read this list (user-published fires for each as well).
        this.emit('published-user-list', this.remoteUsers.filter((user) => user.hasAudio || user.hasVideo));
      },
      resumed: (users) => {
        this.#users.apply(reconcileUsers(this.#users.known, this.#visible(users)));
        this.#noteNetworkQualities(users);
        // Mute changes made while the socket was down never reached the server.
        for (const kind of this.#published.kinds()) this.#sendMute(kind);
      },
      notice: (message) => {
        this.#handover?.observe(message);
        routeServerNotice(message, {
          users: this.#users,
          subscriber: this.#subscriber,
          events: this,
          visible: (users) => this.#visible(users),
          mediaLost: (connection) => this.#restarts.failed(connection),
        });
      },
      ended: () => {
        this.#restarts.reset();
        this.#handover?.cancel();
        this.#handover = undefined;
        this.#stats.stop();
        this.#networkQuality.stop();
        this.#messages.reset();
        this.#publisher?.close();
        this.#subscriber?.close();
        this.#publisher = this.#subscriber = undefined;
        this.#serverIceServers = [];
        this.#frames?.close();
        this.#frames = undefined;
        for (const track of this.#published.all) track.unlinkPublisher(this.#trackLink);
        this.#published.clear();
        this.#users.clear();
      },
      stateChanged: (next, previous, reason) => {
        if (next === 'CONNECTED') this.#volumeIndicator?.start();
        if (next === 'DISCONNECTED') this.#volumeIndicator?.stop();
        if (reason === undefined) this.emit('connection-state-change', next, previous);
        else this.emit('connection-state-change', next, previous, reason);
      },
    };
  }

  /** The publish and subscribe connections of the session's node (at join, and anew after moving to another node). */
  #openMediaConnections(): void {
    this.#openPublisher();
    this.#openSubscriber();
  }

  #openPublisher(): void {
    this.#publisher = new PublishConnection(this.#sessionIceServers(), this.codec, (offer) => this.#sendPublishOffer(offer), this.#watchPeer('publish'), this.#frames);
    if (this.#dualStream) void this.#publisher.setDualStream(this.#lowStream);
  }

  #openSubscriber(): void {
    this.#subscriber = new SubscribeConnection(
      this.#sessionIceServers(),
      {
        sendAnswer: (offerId, sdp) => this.#engine.send({ type: 'subscribe-answer', offerId, sdp }),
        onTrack: (received) => this.#users.attachTrack(received),
        onTracks: (received) => this.#users.syncTracks(received),
        onError: (error) => this.emit('exception', error),
        onState: this.#watchPeer('subscribe'),
      },
      this.#frames,
    );
  }

  /** Reports a media connection's states, and has it rebuilt when it fails. */
  #watchPeer(connection: MediaConnection): PeerStateListener {
    return (current, previous) => {
      this.#peerStateChanged(current, previous);
      if (current === 'connected') this.#restarts.connected(connection);
      if (current === 'failed') this.#restarts.failed(connection);
    };
  }

  /**
   * Rebuilds a media connection that failed (see mediaRestarts.ts): the server closes its side and
   * keeps what it carried, so the others see no change. Publish: a new connection offers every
   * published track again (and the data channel reopens if the app listens to stream messages).
   * Subscribe: the server offers every subscription on a new connection, and each remote track
   * object takes the new media.
   */
  async #rebuild(connection: MediaConnection): Promise<void> {
    if (connection === 'subscribe') {
      const socket = await this.#engine.connectedSocket('Rebuilding the subscribe connection');
      for (const user of this.#users.known.values()) {
        if (user.audioTrack) this.#users.awaitMovedTrack(user.uid, 'audio');
        if (user.videoTrack) this.#users.awaitMovedTrack(user.uid, 'video');
      }
      this.#subscriber?.close();
      this.#openSubscriber();
      await socket.request({ type: 'restart-media', connection });
      return;
    }
    await this.#serially(async () => {
      const socket = await this.#engine.connectedSocket('Rebuilding the publish connection');
      this.#messages.reset();
      this.#publisher?.close();
      this.#openPublisher();
      await socket.request({ type: 'restart-media', connection });
      await this.#offerPublished();
    });
    if (this.listenerCount('stream-message') + this.listenerCount('receive-metadata') > 0) this.#messages.want();
  }

  /**
   * After moving to another node: offers the same local tracks on the new publish connection, as
   * publish() would, with their mute state. The track objects stay published throughout.
   */
  #republish(): void {
    void this.#serially(() => this.#offerPublished()).catch((error: Error) => this.emit('exception', error));
  }

  /** Offers every published track on a new publish connection, with its mute state. */
  async #offerPublished(): Promise<void> {
    const kinds = this.#published.kinds();
    if (kinds.size === 0) return;
    await this.#sendPublished(kinds);
    for (const track of this.#published.all) {
      const transceiver = this.#publisher?.transceiver(track.trackMediaType);
      if (transceiver) track.emit('transceiver-updated', transceiver);
    }
    for (const kind of kinds) this.#sendMute(kind);
  }

  /** After moving to another node: receives (uid, kind) again into the same remote track object. */
  #resubscribe(uid: number | string, kind: MediaKind): void {
    const socket = this.#engine.socket;
    if (!socket || this.#engine.state !== 'CONNECTED') return;
    socket.request({ type: 'subscribe', uid, kind, ...(kind === 'video' ? this.#remoteStreams.forSubscribe(uid) : {}) }).catch((error: Error) => this.emit('exception', error));
  }

  #sendPublishOffer(offer: PublishOffer): Promise<string> {
    const socket = this.#engine.socket;
    if (!socket) return Promise.reject(operationAborted('publish()'));
    return socket.request({ type: 'publish-offer', sdp: offer.sdp, tracks: offer.tracks }).then((answer) => answer.sdp);
  }

  #serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#publishQueue.then(work, work);
    this.#publishQueue = run.catch(() => {});
    return run;
  }

  /** The users this client shows: in live mode the audience is invisible, as in Agora. */
  #visible<T extends { role: ClientRole }>(users: readonly T[]): T[] {
    return this.mode === 'live' ? users.filter((user) => user.role === 'host') : [...users];
  }
}

/** Agora's IDataChannelConfig, which its publish() also takes: `{id, ordered?, metadata?}`. */
function isDataChannelConfig(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !(value instanceof LocalTrack) && typeof (value as { id?: unknown }).id === 'number';
}

/** A remote user's uid as a dual-stream setting names it (never 0 or empty). */
function remoteUidOf(uid: unknown, call: string): number | string {
  const checked = checkUid(uid);
  if (checked === undefined) throw invalidParams(`${call} needs the uid of a remote user`, { field: 'uid' });
  return checked;
}
