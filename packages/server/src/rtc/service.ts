/**
 * The SFU's rules: joining (token, bans and session caps checked), resuming after a lost socket,
 * publishing, subscribing, muting, token renewal and expiry, kicks, and leaving. Rooms live in the
 * RoomRegistry, one per channel in use on this node; REST reads participants through the shared
 * directory. Session timers, recorders and media failures have modules of their own.
 */
import { timingSafeEqual } from 'node:crypto';
import {
  LeaveReason,
  RESUME_WINDOW_MS,
  type ClientRole,
  type IceServer,
  type JoinMessage,
  type MediaConnection,
  type MediaKind,
  type Participant as ParticipantView,
  type RemoteStreamFallbackType,
  type RemoteStreamType,
} from '@parley/protocol';
import { ChannelElsewhere, type ChannelHomes } from '../cluster/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { ChannelCount, ParticipantDirectory } from '../live/index.ts';
import { DomainError } from '../domainError.ts';
import type { MaybeAsync } from '../maybeAsync.ts';
import { normalizeIp } from '../net/clientAddress.ts';
import { checkJoin, type JoinPolicyDeps } from './joinPolicy.ts';
import { createMediaWatch, newGuardCounts, type RtcGuardCounts } from './mediaWatch.ts';
import { checkPublishOffer } from './offerCheck.ts';
import { Participant, type MediaWatch } from './participant.ts';
import type { MediaNetwork } from './peerFactory.ts';
import { attachRecorder, type RecorderAttachment } from './recorders.ts';
import type { Room, RoomObserver } from './room.ts';
import { RoomRegistry } from './roomRegistry.ts';
import { SessionCaps, type SessionCapLimits, type SessionClaim } from './sessionCaps.ts';
import type { VideoPreferences } from './simulcast/videoSubscription.ts';
import { SessionTimers } from './sessionTimers.ts';
import { CloseCode, type SignalingPeer } from './signalingPeer.ts';
import type { Logger } from '../log/logger.ts';
import { mintIceServers, type TurnSettings } from '../turn/credentials.ts';

export type { RecorderAttachment } from './recorders.ts';
export type { RtcGuardCounts } from './mediaWatch.ts';

export interface RtcDeps extends JoinPolicyDeps {
  /** Where each channel lives in the cluster: a join for a channel hosted elsewhere is sent there. */
  homes: ChannelHomes;
  events: EventBus;
  directory: ParticipantDirectory;
  network: MediaNetwork;
  sessionCaps: SessionCapLimits;
  /** TURN servers clients may relay through; unset: clients get no iceServers. */
  turn?: TurnSettings;
  nodeId: string;
  log: Logger;
  /** Someone connected here joined, left or changed what they publish (cascading tells the channel's other nodes). */
  localChange?: (room: Room, left?: Participant) => void;
}

export class RtcService {
  #deps: RtcDeps;
  #registry: RoomRegistry;
  #timers = new SessionTimers();
  #caps: SessionCaps;
  #claims = new WeakMap<Participant, SessionClaim>();
  readonly counts: RtcGuardCounts = newGuardCounts();
  #watch: MediaWatch;

  constructor(deps: RtcDeps) {
    this.#deps = deps;
    this.#registry = new RoomRegistry(deps);
    this.#caps = new SessionCaps(deps.sessionCaps);
    this.#watch = createMediaWatch({ counts: this.counts, connectTimeoutMs: deps.network.connectTimeoutMs, roomOf: (p) => this.#registry.find(p), log: deps.log });
  }

  /** Where participants report media failures; participants made outside this service (relayed users) report there too. */
  get mediaWatch(): MediaWatch {
    return this.#watch;
  }

  room(appId: string, channel: string): Room | undefined {
    return this.#registry.get(appId, channel);
  }

  roomOf(participant: Participant): Room {
    return this.#registry.of(participant);
  }

  /**
   * Fresh TURN credentials for the participant's peer connections, labelled with its session id
   * (coturn logs the username, so a relay can be traced to a session, never to a token).
   */
  iceServersFor(participant: Participant): IceServer[] | undefined {
    return this.#deps.turn ? mintIceServers(this.#deps.turn, participant.sessionId) : undefined;
  }

  /** The `nodes` field of a join answer: the cluster's serving nodes, when there are others than this one. */
  async clusterNodes(): Promise<{ nodes?: string[] }> {
    const urls = await this.#deps.homes.servingUrls();
    return urls.length > 1 ? { nodes: urls } : {};
  }

  // ------------------------------------------------------------------ join, resume, leave

  async join(message: JoinMessage, peer: SignalingPeer): Promise<{ participant: Participant; room: Room }> {
    const existingRoom = this.room(message.appId, message.channel);
    const grant = await checkJoin(this.#deps, message, {
      ip: peer.remoteAddress,
      uidTaken: (uid) => existingRoom?.find(uid) !== undefined,
    });
    const found = existingRoom?.find(grant.uid);
    // The same uid connected to another node of a cascaded channel is not replaced from here.
    const previous = found?.relayedFrom === undefined ? found : undefined;
    const hereAlready = existingRoom ? existingRoom.local.filter((p) => p.role !== 'recorder').length : 0;
    // Checked after the token, so the cluster's layout is told only to clients that may join. A
    // channel whose room here is full (its participant cap) grows onto another node.
    if (!existingRoom || this.#deps.homes.evacuating || (!previous && this.#deps.homes.isFull(hereAlready))) {
      const home = await this.#deps.homes.homeOf(message.appId, message.channel, hereAlready);
      if (!home.local) throw new ChannelElsewhere(home.nodeId, home.url);
    }
    if (found && found !== previous) await existingRoom!.remove(found, LeaveReason.replaced);
    const mode = existingRoom?.mode ?? message.mode ?? 'rtc';
    const role = mode === 'rtc' ? 'host' : (message.role ?? 'audience');
    const ip = normalizeIp(peer.remoteAddress);
    // A tokenless session (testing mode) has no token to count under: its address stands in, so
    // the per-token cap still bounds how many one client holds.
    const claim = this.#claim(ip, message.token ?? `tokenless:${ip}`, previous);
    const participant = new Participant(
      {
        appId: message.appId,
        channel: message.channel,
        uid: grant.uid,
        role,
        platform: message.platform ?? 'web',
        mode,
        encrypted: message.encrypted ?? false,
        network: this.#deps.network,
        tokenExpiresAt: grant.expiresAt,
        mayPublish: role === 'host' ? new Set(grant.mayPublish) : new Set(),
        publishGrant: grant.mayPublish,
        watch: this.#watch,
      },
      peer,
    );
    this.#claims.set(participant, claim);
    // The same uid joining again replaces the earlier connection (Agora leave reason 5).
    if (previous) await this.#end(previous, LeaveReason.replaced, 'Another connection joined with this uid', CloseCode.replaced);
    const room = this.#registry.enter(participant, mode);
    this.#armTokenTimers(participant);
    return { participant, room };
  }

  /** Counts the session against its address's and token's caps; `replacing` is the session it ends. */
  #claim(ip: string, token: string, replacing: Participant | undefined): SessionClaim {
    try {
      return this.#caps.claim(ip, token, replacing && this.#claims.get(replacing));
    } catch (error) {
      this.counts.sessionsRefused += 1;
      throw error;
    }
  }

  resume(sessionId: string, resumeToken: string, peer: SignalingPeer): { participant: Participant; room: Room } {
    const participant = this.#registry.session(sessionId);
    const expected = Buffer.from(participant?.resumeToken ?? '');
    const presented = Buffer.from(resumeToken);
    if (!participant || expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      throw new DomainError('session_not_found', 'No session to resume: join again');
    }
    this.#timers.cancelResume(participant);
    participant.peer?.close(CloseCode.replaced, 'resumed elsewhere');
    participant.attach(peer);
    participant.lastSeenAt = Date.now();
    return { participant, room: this.roomOf(participant) };
  }

  /** The socket is gone; the session waits RESUME_WINDOW_MS for `resume`, then ends. */
  socketLost(participant: Participant): void {
    if (participant.leftReason !== undefined) return;
    participant.detach();
    // Billed until the client's last sign of life, not until the resume window ran out.
    this.#timers.armResume(participant, RESUME_WINDOW_MS, () => {
      void this.#end(participant, LeaveReason.connectionTimeout, 'Connection lost', CloseCode.normal, { at: participant.lastSeenAt });
    });
  }

  leave(participant: Participant): Promise<void> {
    return this.#end(participant, LeaveReason.normal, 'left', CloseCode.normal, { notify: false });
  }

  /** Ends a session once: tells the client why (unless it left or vanished), frees what it held. */
  async #end(participant: Participant, reason: number, message: string, closeCode: number, options: { notify?: boolean; at?: number } = {}): Promise<void> {
    if (participant.leftReason !== undefined) return;
    this.#claims.get(participant)?.release();
    if ((options.notify ?? true) && reason !== LeaveReason.normal && reason !== LeaveReason.connectionTimeout) {
      participant.send({ type: 'kicked', reason, message });
    }
    this.#timers.clear(participant);
    this.#registry.forgetSession(participant);
    const room = this.#registry.find(participant);
    if (!room) return;
    await room.remove(participant, reason, closeCode, message, options.at);
    // Users relayed from other nodes are there for this node's participants only.
    if (room.local.length === 0) for (const relayed of room.participants) await room.remove(relayed, LeaveReason.normal);
    this.#registry.dropIfEmpty(room, participant.uid);
  }

  /** A server-side recorder in the channel (see recorders.ts). */
  attachRecorder(appId: string, channel: string, uid: number | string, observer: RoomObserver, mode: 'rtc' | 'live' = 'rtc'): RecorderAttachment {
    return attachRecorder(
      {
        registry: this.#registry,
        network: this.#deps.network,
        watch: this.#watch,
        end: (participant, reason) => this.#end(participant, reason, 'recorder left', CloseCode.normal, { notify: false }),
      },
      { appId, channel, uid, mode },
      observer,
    );
  }

  // ------------------------------------------------------------------ tokens

  #armTokenTimers(participant: Participant): void {
    this.#timers.armToken(participant, {
      willExpire: () => participant.send({ type: 'token-privilege-will-expire', expiresAt: participant.tokenExpiresAt }),
      didExpire: () => {
        participant.send({ type: 'token-privilege-did-expire' });
        void this.#end(participant, LeaveReason.tokenExpired, 'The token expired', CloseCode.tokenExpired);
      },
    });
  }

  /** A fresh token for the same app, channel and uid extends the session. */
  async renewToken(participant: Participant, token: string): Promise<number> {
    const grant = await checkJoin(this.#deps, { appId: participant.appId, channel: participant.channel, uid: participant.uid, token }, {
      ip: participant.peer?.remoteAddress ?? '',
      uidTaken: () => false,
    });
    if (String(grant.uid) !== participant.key) throw new DomainError('forbidden', 'The token is for another uid');
    participant.tokenExpiresAt = grant.expiresAt;
    participant.publishGrant = grant.mayPublish;
    if (participant.role === 'host') participant.mayPublish = new Set(grant.mayPublish);
    this.#armTokenTimers(participant);
    return grant.expiresAt;
  }

  // ------------------------------------------------------------------ media

  async publishOffer(participant: Participant, sdp: string, tracks: Array<{ mid: string; kind: MediaKind }>): Promise<string> {
    // Checked before werift sees the SDP: parsing a hostile offer is the expensive part. An offer
    // that declares no track may still carry the data channel, which everyone may open.
    if (tracks.length > 0 && participant.mayPublish.size === 0) {
      this.counts.offersRefused += 1;
      throw new DomainError('forbidden', participant.role === 'host' ? 'Not allowed to publish: the token grants no publishing privilege or a ban applies' : 'Audience members cannot publish');
    }
    for (const { kind } of tracks) {
      if (!participant.mayPublish.has(kind)) {
        this.counts.offersRefused += 1;
        throw new DomainError('forbidden', `Not allowed to publish ${kind}: the token lacks the privilege or a ban applies`);
      }
    }
    try {
      checkPublishOffer(sdp, tracks, { media: participant.mayPublish.size > 0 });
    } catch (error) {
      this.counts.offersRefused += 1;
      throw error;
    }
    const room = this.roomOf(participant);
    const { sdp: answer, kinds } = await participant.answerPublishOffer(sdp, tracks);
    const declared = new Set(tracks.map((t) => t.kind));
    for (const kind of participant.publishedKinds) if (!declared.has(kind)) await room.unpublish(participant, kind);
    for (const track of kinds.values()) await room.publish(participant, track);
    return answer;
  }

  async unpublish(participant: Participant, kind: MediaKind): Promise<void> {
    await this.roomOf(participant).unpublish(participant, kind);
  }

  /** The client rebuilds a media connection that failed (see Participant.restartMedia). */
  async restartMedia(participant: Participant, connection: MediaConnection): Promise<void> {
    this.#deps.log.info({ appId: participant.appId, channel: participant.channel, uid: participant.uid, connection }, `the client rebuilds its ${connection} connection`);
    await participant.restartMedia(connection);
  }

  async subscribe(participant: Participant, uid: number | string, kind: MediaKind, preferences?: VideoPreferences): Promise<void> {
    const publisher = this.#otherUser(participant, uid);
    const track = publisher.publishedTrack(kind);
    if (!track) throw new DomainError('unknown_user', `User ${uid} does not publish ${kind}`);
    if (publisher.muted[kind]) throw new DomainError('unknown_user', `User ${uid} has muted its ${kind}: subscribe once it is unmuted`);
    await participant.subscribe(publisher, track, preferences);
  }

  /** Which layer of `uid`'s video to receive (Agora's setRemoteVideoStreamType); the switch comes at a keyframe. */
  setStreamType(participant: Participant, uid: number | string, streamType: RemoteStreamType): void {
    participant.setStreamType(this.#otherUser(participant, uid), streamType);
  }

  /** How `uid`'s video falls back on a weak downlink (Agora's setStreamFallbackOption). */
  setStreamFallback(participant: Participant, uid: number | string, fallback: RemoteStreamFallbackType): void {
    participant.setStreamFallback(this.#otherUser(participant, uid), fallback);
  }

  #otherUser(participant: Participant, uid: number | string): Participant {
    const other = this.roomOf(participant).find(uid);
    if (!other || other === participant) throw new DomainError('unknown_user', `No user ${uid} in the channel`);
    return other;
  }

  async unsubscribe(participant: Participant, uid: number | string, kind: MediaKind): Promise<void> {
    const publisher = this.roomOf(participant).find(uid);
    if (publisher) await participant.unsubscribe(publisher, kind);
  }

  /**
   * Live mode, during the call (Agora's setClientRole after join): a host becoming audience stops
   * publishing first; an audience member becoming host may publish what its token grants.
   */
  async setRole(participant: Participant, role: ClientRole): Promise<void> {
    if (participant.mode !== 'live' || participant.role === 'recorder') throw new DomainError('forbidden', 'Roles exist in live mode only: in rtc mode everyone is a host');
    if (participant.role === role) return;
    const room = this.roomOf(participant);
    if (role === 'audience') for (const kind of participant.publishedKinds) await room.unpublish(participant, kind);
    participant.mayPublish = role === 'host' ? new Set(participant.publishGrant) : new Set();
    room.changeRole(participant, role);
  }

  reportNetworkQuality(participant: Participant, uplink: number, downlink: number): void {
    this.roomOf(participant).setNetworkQuality(participant, uplink, downlink);
  }

  async mute(participant: Participant, kind: MediaKind, muted: boolean): Promise<void> {
    await this.roomOf(participant).setMuted(participant, kind, muted);
  }

  /** What this node carries right now, for metrics. */
  load(): { rooms: number; participants: number; published: Record<MediaKind, number>; forwarded: Record<MediaKind, number> } {
    const published = { audio: 0, video: 0 };
    const forwarded = { audio: 0, video: 0 };
    let participants = 0;
    const rooms = this.#registry.rooms;
    for (const room of rooms) {
      for (const participant of room.local) {
        participants += 1;
        for (const kind of participant.publishedKinds) published[kind] += 1;
        for (const kind of participant.subscribedKinds()) forwarded[kind] += 1;
      }
    }
    return { rooms: rooms.length, participants, published, forwarded };
  }

  // ------------------------------------------------------------------ REST facade

  participants(appId: string, channel: string): MaybeAsync<readonly ParticipantView[]> {
    return this.#deps.directory.list(appId, channel);
  }

  channelCounts(appId: string): Promise<ChannelCount[]> {
    return this.#deps.directory.channels(appId);
  }

  /** Disconnects a user (told why) for `reason`; false when they are not in the channel here. */
  async kick(appId: string, channel: string, uid: number | string, message = 'Removed from the channel by the server'): Promise<boolean> {
    const participant = this.room(appId, channel)?.find(uid);
    // A user relayed from another node of a cascaded channel is kicked there.
    if (!participant || participant.relayedFrom !== undefined) return false;
    await this.#end(participant, LeaveReason.permission, message, CloseCode.kicked);
    return true;
  }

  /**
   * Participants on this node in `appId` that a ban rule's scope covers: each field given must
   * match (ip against the signaling socket's address). Server-side recorders are never covered.
   */
  participantsMatching(appId: string, scope: { channel?: string; uid?: number | string; ip?: string }): Participant[] {
    const ipOf = (p: Participant) => normalizeIp(p.peer?.remoteAddress ?? '');
    return this.#registry.rooms
      .filter((room) => room.appId === appId && (scope.channel === undefined || room.channel === scope.channel))
      .flatMap((room) => room.local)
      .filter((p) => p.role !== 'recorder')
      .filter((p) => scope.uid === undefined || p.key === String(scope.uid))
      .filter((p) => scope.ip === undefined || ipOf(p) === normalizeIp(scope.ip));
  }

  /** A publish ban on someone already in: their tracks of these kinds stop and new offers for them are refused. */
  async revokePublishing(participant: Participant, kinds: MediaKind[]): Promise<void> {
    for (const kind of kinds) {
      participant.mayPublish.delete(kind);
      participant.publishGrant.delete(kind);
      if (participant.publishedTrack(kind) && participant.leftReason === undefined) await this.roomOf(participant).unpublish(participant, kind);
    }
  }

  /**
   * Ends every session on this node in `appId` that joined without a token: the owner switched
   * testing mode off, and no tokenless session may outlive that. Resolves to how many ended.
   */
  async endTokenlessSessions(appId: string): Promise<number> {
    const tokenless = this.participantsMatching(appId, {}).filter((participant) => participant.tokenless);
    for (const participant of tokenless) {
      await this.#end(participant, LeaveReason.permission, 'Testing mode was switched off: this project now requires a token to join', CloseCode.kicked);
    }
    return tokenless.length;
  }

  /** Disconnects everyone in a channel; resolves to how many were in it. */
  async closeChannel(appId: string, channel: string): Promise<number> {
    const room = this.room(appId, channel);
    if (!room) return 0;
    const participants = room.local;
    for (const participant of participants) await this.#end(participant, LeaveReason.permission, 'The channel was deleted', CloseCode.kicked);
    return participants.length;
  }

  /**
   * Moves everyone off this node (draining, or fenced off by the cluster): each channel's
   * placement is handed back, then each session ends without a kick, so the SDK joins again
   * through another node, which places the channel anew. Recorders stay until shutdown.
   */
  async evacuate(): Promise<number> {
    this.#deps.homes.evacuating = true;
    let moved = 0;
    for (const room of this.#registry.rooms) {
      await this.#deps.homes.release(room.appId, room.channel).catch((error: unknown) => this.#deps.log.error({ err: error, channel: room.channel }, 'could not hand a channel back'));
      for (const participant of room.local) {
        if (participant.role === 'recorder') continue;
        await this.#end(participant, LeaveReason.serverInternal, 'This node is leaving the cluster: join again through another node', CloseCode.shuttingDown, { notify: false });
        moved += 1;
      }
    }
    return moved;
  }

  /** Server shutdown: everyone leaves with reason 4 and is told the server is going away. */
  async shutdown(): Promise<void> {
    for (const room of this.#registry.rooms) {
      for (const participant of room.local) {
        await this.#end(participant, LeaveReason.serverInternal, 'The server is shutting down', CloseCode.shuttingDown);
      }
    }
  }
}
