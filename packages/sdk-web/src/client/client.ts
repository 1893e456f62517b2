/**
 * ParleyClient: one membership of one channel, shaped like Agora's IAgoraRTCClient. A thin public
 * layer: it checks arguments, keeps what this client publishes, subscribes, routes server notices
 * to the remote users and events, and answers for statistics. Staying in the channel (the socket,
 * join, resume after a lost socket, kick, leave, the connection state) is the session engine's
 * (session/sessionEngine.ts), the way livekit-client puts Room over RTCEngine. The two peer
 * connections (rtc/), the remote users and their tracks (remoteUsers.ts) and the statistics
 * (statsCollector.ts) live in their own modules.
 */
import type { ClientRole, MediaKind } from '@parley/protocol';
import {
  invalidLocalTrack,
  invalidOperation,
  invalidParams,
  invalidRemoteUser,
  multipleTracks,
  operationAborted,
  remoteUserNotPublished,
  type ParleyRTCError,
} from '../errors.ts';
import { PublishConnection, type PublishOffer } from '../rtc/publishConnection.ts';
import {
  emptyLocalAudioStats,
  emptyLocalVideoStats,
  type LocalAudioTrackStats,
  type LocalVideoTrackStats,
  type RemoteAudioTrackStats,
  type RemoteVideoTrackStats,
} from '../rtc/stats.ts';
import { SubscribeConnection } from '../rtc/subscribeConnection.ts';
import type { VideoCodec } from '../rtc/videoCodec.ts';
import { resolveServer } from '../serverUrl.ts';
import { SessionEngine, type SessionHost } from '../session/sessionEngine.ts';
import { LocalTrack, type PublishedTrackLink } from '../tracks/localTrack.ts';
import type { LocalAudioTrack } from '../tracks/localAudioTrack.ts';
import type { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import { TypedEmitter } from '../typedEmitter.ts';
import { checkAppId, checkChannelName, checkCodec, checkToken, checkUid } from '../validation.ts';
import type { ClientEvents, ConnectionState } from './events.ts';
import { reconcileUsers, type RemoteUser } from './remoteUser.ts';
import { RemoteUsers } from './remoteUsers.ts';
import { routeServerNotice } from './serverNotices.ts';
import { StatsCollector, type RTCStats } from './statsCollector.ts';
import { toIceServers, type TurnServerConfig } from './turnServer.ts';
import { toLevel, VolumeIndicator, type VolumeIndicatorResult } from './volumeIndicator.ts';
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
  /** http(s) base URL of the Parley server; default ParleyRTC.setServer(), else the page's origin. */
  server?: string;
  /** STUN/TURN servers for both peer connections; default none (the SFU is reached directly). */
  iceServers?: RTCIceServer[];
}

export class ParleyClient extends TypedEmitter<ClientEvents> {
  readonly mode: 'rtc' | 'live';
  readonly codec: VideoCodec;

  #iceServers: RTCIceServer[] | undefined;
  readonly #configIceServers: RTCIceServer[] | undefined;
  #volumeIndicator: VolumeIndicator | undefined;
  #networkQuality = new NetworkQualityMonitor(() => this.#linkReading(), (quality) => this.emit('network-quality', quality));
  #role: ClientRole;
  #engine: SessionEngine;
  #publisher: PublishConnection | undefined;
  #subscriber: SubscribeConnection | undefined;
  #users = new RemoteUsers(this);
  #published = new Map<MediaKind, LocalTrack>();
  /** publish/unpublish run one at a time: each renegotiates the publish connection. */
  #publishQueue: Promise<unknown> = Promise.resolve();
  #stats: StatsCollector;
  #trackLink: PublishedTrackLink;

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
      mutedChanged: (track, muted) => {
        if (this.#published.get(track.trackMediaType) === track) this.#engine.send({ type: 'mute', kind: track.trackMediaType, muted });
      },
      closed: (track) => void this.unpublish(track).catch(() => {}),
      replaced: async (track) => {
        if (this.#published.get(track.trackMediaType) === track) await this.#publisher?.replace(track.trackMediaType, track.getMediaStreamTrack());
      },
    };
    this.#stats = new StatsCollector({
      publishStats: () => this.#publisher?.getStats() ?? Promise.resolve(undefined),
      subscribeStats: () => this.#subscriber?.getStats() ?? Promise.resolve(undefined),
      ownerOf: (trackIdentifier, mid) => this.#users.ownerOf(trackIdentifier) ?? (mid ? this.#subscriber?.ownerOf(mid) : undefined),
      sendingKinds: () => new Set(this.#published.keys()),
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
    return [...this.#published.values()];
  }

  /** Unix seconds when the current token expires (known after join). */
  get tokenExpiresAt(): number | undefined {
    return this.#engine.tokenExpiresAt;
  }

  // ---------------------------------------------------------------- joining and leaving

  /**
   * Joins `channel` of project `appId` with `token`; resolves with this client's uid. Without a uid
   * (or with 0 or null) the server picks a numeric one.
   */
  async join(appId: string, channel: string, token: string, uid?: number | string | null): Promise<number | string> {
    checkAppId(appId);
    checkChannelName(channel);
    checkToken(token);
    const askedUid = checkUid(uid);
    return this.#engine.join({
      type: 'join',
      appId,
      channel,
      token,
      ...(askedUid !== undefined ? { uid: askedUid } : {}),
      ...(this.mode === 'live' ? { role: this.#role } : {}),
      mode: this.mode,
      platform: 'web',
    });
  }

  /** Leaves the channel. Local tracks stay open (close them to release the devices). */
  async leave(): Promise<void> {
    this.#engine.leave();
  }

  /**
   * Live mode: joins as "host" (publishes and subscribes) or "audience" (only subscribes).
   * Parley fixes the role at join, so call this before join().
   */
  async setClientRole(role: ClientRole): Promise<void> {
    if (role !== 'host' && role !== 'audience') throw invalidParams('role must be "host" or "audience"', { field: 'role' });
    if (this.mode !== 'live') throw invalidOperation('setClientRole() is for live mode: in rtc mode everyone is a host');
    if (this.#engine.state !== 'DISCONNECTED') throw invalidOperation('Parley sets the role at join: call setClientRole() before join()');
    this.#role = role;
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
    const localAudio = this.#published.get('audio') as LocalAudioTrack | undefined;
    if (localAudio && this.uid !== undefined) levels.push({ uid: this.uid, level: toLevel(localAudio.getVolumeLevel()) });
    for (const user of this.remoteUsers) if (user.audioTrack) levels.push({ uid: user.uid, level: toLevel(user.audioTrack.getVolumeLevel()) });
    return levels;
  }

  /** The last `network-quality` this client reported (both 0 before the first, and when not joined). */
  getLocalNetworkQuality(): NetworkQuality {
    return { ...this.#networkQuality.latest };
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

  /** Sends local tracks to the channel (one audio and one video track at a time). */
  async publish(tracks: LocalTrack | LocalTrack[]): Promise<void> {
    const list = [tracks].flat();
    if (list.length === 0) throw invalidParams('publish() needs at least one local track');
    for (const track of list) if (!(track instanceof LocalTrack) || track.isClosed) throw invalidLocalTrack();
    if (this.mode === 'live' && this.#role === 'audience') throw invalidOperation('The audience cannot publish: join as "host" (setClientRole before join)');
    const kinds = list.map((track) => track.trackMediaType);
    const duplicate = kinds.find((kind, index) => kinds.indexOf(kind) !== index);
    if (duplicate) throw multipleTracks(duplicate);
    return this.#serially(async () => {
      const socket = await this.#engine.connectedSocket('publish()');
      const epoch = this.#engine.epoch;
      for (const track of list) {
        const current = this.#published.get(track.trackMediaType);
        if (current && current !== track) throw multipleTracks(track.trackMediaType);
      }
      const fresh = list.filter((track) => this.#published.get(track.trackMediaType) !== track);
      if (fresh.length === 0) return;
      await this.#publisher!.publish(fresh.map((track) => ({ kind: track.trackMediaType, track: track.getMediaStreamTrack() })));
      if (epoch !== this.#engine.epoch) throw operationAborted('publish()');
      for (const track of fresh) {
        this.#published.set(track.trackMediaType, track);
        track.linkPublisher(this.#trackLink);
        // The server remembers mute state across republishing: always say where this track stands.
        socket.send({ type: 'mute', kind: track.trackMediaType, muted: track.silenced });
      }
    });
  }

  /** Stops sending the given tracks, or every published track. */
  async unpublish(tracks?: LocalTrack | LocalTrack[]): Promise<void> {
    return this.#serially(async () => {
      const list = tracks === undefined ? [...this.#published.values()] : [tracks].flat();
      const toRemove = list.filter((track) => track instanceof LocalTrack && this.#published.get(track.trackMediaType) === track);
      if (toRemove.length === 0) return;
      for (const track of toRemove) {
        this.#published.delete(track.trackMediaType);
        track.unlinkPublisher(this.#trackLink);
      }
      if (this.#engine.state === 'DISCONNECTED' || this.#engine.state === 'DISCONNECTING') return;
      const socket = await this.#engine.connectedSocket('unpublish()');
      for (const track of toRemove) {
        await this.#publisher?.unpublish(track.trackMediaType);
        await socket.request({ type: 'unpublish', kind: track.trackMediaType });
      }
    });
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
      await socket.request({ type: 'subscribe', uid: state.uid, kind: mediaType });
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

  #sessionHost(): SessionHost {
    return {
      started: () => {
        const onState = (current: RTCPeerConnectionState, previous: RTCPeerConnectionState) => this.#peerStateChanged(current, previous);
        this.#publisher = new PublishConnection(this.#iceServers, this.codec, (offer) => this.#sendPublishOffer(offer), onState);
        this.#subscriber = new SubscribeConnection(this.#iceServers, {
          sendAnswer: (offerId, sdp) => this.#engine.send({ type: 'subscribe-answer', offerId, sdp }),
          onTrack: (received) => this.#users.attachTrack(received),
          onTracks: (received) => this.#users.syncTracks(received),
          onError: (error) => this.emit('exception', error),
          onState,
        });
        this.#stats.start();
        this.#networkQuality.start();
      },
      joined: (users) => {
        this.#users.apply(reconcileUsers(new Map(), this.#visible(users)));
        // Agora apps that subscribe in bulk at join read this list (user-published fires for each as well).
        this.emit('published-user-list', this.remoteUsers.filter((user) => user.hasAudio || user.hasVideo));
      },
      resumed: (users) => {
        this.#users.apply(reconcileUsers(this.#users.known, this.#visible(users)));
        // Mute changes made while the socket was down never reached the server.
        for (const [kind, track] of this.#published) this.#engine.send({ type: 'mute', kind, muted: track.silenced });
      },
      notice: (message) =>
        routeServerNotice(message, {
          users: this.#users,
          subscriber: this.#subscriber,
          events: this,
          visible: (users) => this.#visible(users),
        }),
      ended: () => {
        this.#stats.stop();
        this.#networkQuality.stop();
        this.#publisher?.close();
        this.#subscriber?.close();
        this.#publisher = this.#subscriber = undefined;
        for (const track of this.#published.values()) track.unlinkPublisher(this.#trackLink);
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
