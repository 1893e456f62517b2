/**
 * The SFU's rules: joining (token and bans checked), resuming after a lost socket, publishing,
 * subscribing, muting, token renewal and expiry, kicks, and leaving. Rooms live here, one per
 * channel in use on this node; REST reads participants through the shared directory.
 */
import { timingSafeEqual } from 'node:crypto';
import { LeaveReason, RESUME_WINDOW_MS, TOKEN_EXPIRY_WARNING_SECONDS, type JoinMessage, type MediaKind, type Participant as ParticipantView } from '@parley/protocol';
import type { BanService } from '../bans/service.ts';
import type { EventBus } from '../events/bus.ts';
import type { ChannelCount, ParticipantDirectory } from '../live/index.ts';
import type { TokenService } from '../tokens/service.ts';
import { checkJoin, JoinRefused } from './joinPolicy.ts';
import { checkPublishOffer } from './offerCheck.ts';
import { Participant, type MediaConnection, type MediaWatch, type PublishedTrack } from './participant.ts';
import type { MediaNetwork } from './peerFactory.ts';
import { Room, type RoomObserver } from './room.ts';
import { SessionCaps, type SessionCapLimits, type SessionClaim } from './sessionCaps.ts';
import { CloseCode, type SignalingPeer } from './signalingPeer.ts';

export interface RtcDeps {
  tokens: TokenService;
  bans: BanService;
  events: EventBus;
  directory: ParticipantDirectory;
  network: MediaNetwork;
  sessionCaps: SessionCapLimits;
  nodeId: string;
  log: { warn(details: object, message: string): void; info(details: object, message: string): void };
}

export interface RecorderAttachment {
  participant: Participant;
  /** Every track published in the room now, with its publisher. */
  tracks(): Array<{ publisher: Participant; track: PublishedTrack }>;
  leave(reason?: number): Promise<void>;
}

/** Running totals of what the SFU refused or cut off, for metrics. */
export interface RtcGuardCounts {
  mediaPortsExhausted: number;
  mediaConnectTimeouts: number;
  offersRefused: number;
  sessionsRefused: number;
  messagesDropped: number;
}

interface Timers {
  warn?: NodeJS.Timeout;
  expire?: NodeJS.Timeout;
  resume?: NodeJS.Timeout;
}

export class RtcService {
  #deps: RtcDeps;
  #rooms = new Map<string, Room>();
  #sessions = new Map<string, Participant>();
  #roomOf = new WeakMap<Participant, Room>();
  #timers = new WeakMap<Participant, Timers>();
  #caps: SessionCaps;
  #claims = new WeakMap<Participant, SessionClaim>();
  readonly counts: RtcGuardCounts = { mediaPortsExhausted: 0, mediaConnectTimeouts: 0, offersRefused: 0, sessionsRefused: 0, messagesDropped: 0 };
  #watch: MediaWatch = {
    portsExhausted: (participant, connection) => {
      this.counts.mediaPortsExhausted += 1;
      this.#deps.log.warn({ appId: participant.appId, channel: participant.channel, uid: participant.uid, connection }, 'no free UDP port for media: widen PARLEY_RTC_PORT_MIN/MAX');
      // A publish refusal answers its request; a subscribe connection has no request waiting.
      if (connection === 'subscribe') {
        participant.send({ type: 'error', code: 'media_ports_exhausted', message: 'No UDP port is free for media on this server: subscribe again later' });
      }
    },
    connectTimedOut: (participant, connection) => void this.#mediaTimedOut(participant, connection),
  };

  constructor(deps: RtcDeps) {
    this.#deps = deps;
    this.#caps = new SessionCaps(deps.sessionCaps);
  }

  #roomKey(appId: string, channel: string): string {
    return `${appId}\u0000${channel}`;
  }

  room(appId: string, channel: string): Room | undefined {
    return this.#rooms.get(this.#roomKey(appId, channel));
  }

  roomOf(participant: Participant): Room {
    const room = this.#roomOf.get(participant);
    if (!room) throw new JoinRefused('not_joined', 'Not in a channel');
    return room;
  }

  // ------------------------------------------------------------------ join, resume, leave

  async join(message: JoinMessage, peer: SignalingPeer): Promise<{ participant: Participant; room: Room }> {
    const existingRoom = this.room(message.appId, message.channel);
    const grant = await checkJoin(this.#deps, message, {
      ip: peer.remoteAddress,
      uidTaken: (uid) => existingRoom?.find(uid) !== undefined,
    });
    const mode = existingRoom?.mode ?? message.mode ?? 'rtc';
    const role = mode === 'rtc' ? 'host' : (message.role ?? 'audience');
    const previous = existingRoom?.find(grant.uid);
    let claim: SessionClaim;
    try {
      claim = this.#caps.claim(peer.remoteAddress, message.token, previous && this.#claims.get(previous));
    } catch (error) {
      this.counts.sessionsRefused += 1;
      throw error;
    }
    const participant = new Participant(
      {
        appId: message.appId,
        channel: message.channel,
        uid: grant.uid,
        role,
        platform: message.platform ?? 'web',
        mode,
        network: this.#deps.network,
        tokenExpiresAt: grant.expiresAt,
        mayPublish: role === 'host' ? grant.mayPublish : new Set(),
        watch: this.#watch,
      },
      peer,
    );
    this.#claims.set(participant, claim);
    // The same uid joining again replaces the earlier connection (Agora leave reason 5).
    if (previous) await this.#end(previous, LeaveReason.replaced, 'Another connection joined with this uid', CloseCode.replaced);

    const key = this.#roomKey(message.appId, message.channel);
    let room = this.#rooms.get(key);
    if (!room) {
      room = new Room(message.appId, message.channel, mode, this.#deps);
      this.#rooms.set(key, room);
      this.#deps.events.emit({ type: 'channel.created', appId: room.appId, channel: room.channel, at: room.createdAt });
    }
    this.#roomOf.set(participant, room);
    this.#sessions.set(participant.sessionId, participant);
    room.add(participant);
    this.#armTokenTimers(participant);
    return { participant, room };
  }

  resume(sessionId: string, resumeToken: string, peer: SignalingPeer): { participant: Participant; room: Room } {
    const participant = this.#sessions.get(sessionId);
    const expected = Buffer.from(participant?.resumeToken ?? '');
    const presented = Buffer.from(resumeToken);
    if (!participant || expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
      throw new JoinRefused('session_not_found', 'No session to resume: join again');
    }
    const timers = this.#timers.get(participant);
    if (timers?.resume) clearTimeout(timers.resume);
    participant.peer?.close(CloseCode.replaced, 'resumed elsewhere');
    participant.attach(peer);
    participant.lastSeenAt = Date.now();
    return { participant, room: this.roomOf(participant) };
  }

  /** The socket is gone; the session waits RESUME_WINDOW_MS for `resume`, then ends. */
  socketLost(participant: Participant): void {
    if (participant.leftReason !== undefined) return;
    participant.detach();
    const timers = this.#timersOf(participant);
    if (timers.resume) clearTimeout(timers.resume);
    // Billed until the client's last sign of life, not until the resume window ran out.
    timers.resume = setTimeout(
      () => void this.#end(participant, LeaveReason.connectionTimeout, 'Connection lost', CloseCode.normal, true, participant.lastSeenAt),
      RESUME_WINDOW_MS,
    );
  }

  leave(participant: Participant): Promise<void> {
    return this.#end(participant, LeaveReason.normal, 'left', CloseCode.normal, false);
  }

  async #end(participant: Participant, reason: number, message: string, closeCode: number, notify = true, at = Date.now()): Promise<void> {
    if (participant.leftReason !== undefined) return;
    this.#claims.get(participant)?.release();
    if (notify && reason !== LeaveReason.normal && reason !== LeaveReason.connectionTimeout) {
      participant.send({ type: 'kicked', reason, message });
    }
    const timers = this.#timers.get(participant);
    for (const timer of [timers?.warn, timers?.expire, timers?.resume]) if (timer) clearTimeout(timer);
    this.#sessions.delete(participant.sessionId);
    const room = this.#roomOf.get(participant);
    if (!room) return;
    await room.remove(participant, reason, closeCode, message, at);
    if (room.size === 0 && this.#rooms.get(this.#roomKey(room.appId, room.channel)) === room) {
      this.#rooms.delete(this.#roomKey(room.appId, room.channel));
      this.#deps.events.emit({ type: 'channel.destroyed', appId: room.appId, channel: room.channel, at: Date.now(), lastUid: participant.uid });
    }
  }

  /**
   * Puts a server-side recorder into a channel as a participant with role `recorder`: listed by
   * REST and in sessions, never announced to clients, with no peer connections of its own — it
   * reads publishers' tracks directly. `observer` hears about tracks published and unpublished
   * and participants leaving from then on; `tracks()` lists what is published now.
   */
  attachRecorder(appId: string, channel: string, uid: number | string, observer: RoomObserver, mode: 'rtc' | 'live' = 'rtc'): RecorderAttachment {
    const key = this.#roomKey(appId, channel);
    const existing = this.#rooms.get(key);
    if (existing?.find(uid)) throw new JoinRefused('already_joined', `uid ${uid} is already in the channel`);
    const participant = new Participant(
      {
        appId,
        channel,
        uid,
        role: 'recorder',
        platform: 'cloud-recording',
        mode: existing?.mode ?? mode,
        network: this.#deps.network,
        // A recorder holds no token; it stays until it is stopped.
        tokenExpiresAt: Number.MAX_SAFE_INTEGER,
        mayPublish: new Set(),
        watch: this.#watch,
      },
      { send: () => {}, close: () => {}, ping: () => {}, terminate: () => {}, remoteAddress: '' },
    );
    let room = existing;
    if (!room) {
      room = new Room(appId, channel, mode, this.#deps);
      this.#rooms.set(key, room);
      this.#deps.events.emit({ type: 'channel.created', appId, channel, at: room.createdAt });
    }
    const joinedRoom = room;
    this.#roomOf.set(participant, joinedRoom);
    this.#sessions.set(participant.sessionId, participant);
    joinedRoom.add(participant);
    const stopObserving = joinedRoom.observe(observer);
    return {
      participant,
      tracks: () =>
        joinedRoom.participants
          .filter((p) => p !== participant)
          .flatMap((p) => p.publishedKinds.map((kind) => ({ publisher: p, track: p.publishedTrack(kind)! }))),
      leave: async (reason: number = LeaveReason.normal) => {
        stopObserving();
        await this.#end(participant, reason, 'recorder left', CloseCode.normal, false);
      },
    };
  }

  // ------------------------------------------------------------------ tokens

  #timersOf(participant: Participant): Timers {
    let timers = this.#timers.get(participant);
    if (!timers) this.#timers.set(participant, (timers = {}));
    return timers;
  }

  #armTokenTimers(participant: Participant): void {
    const timers = this.#timersOf(participant);
    if (timers.warn) clearTimeout(timers.warn);
    if (timers.expire) clearTimeout(timers.expire);
    const msLeft = participant.tokenExpiresAt * 1000 - Date.now();
    timers.warn = setTimeout(
      () => participant.send({ type: 'token-privilege-will-expire', expiresAt: participant.tokenExpiresAt }),
      Math.max(0, msLeft - TOKEN_EXPIRY_WARNING_SECONDS * 1000),
    );
    timers.expire = setTimeout(() => {
      participant.send({ type: 'token-privilege-did-expire' });
      void this.#end(participant, LeaveReason.tokenExpired, 'The token expired', CloseCode.tokenExpired);
    }, Math.max(0, msLeft));
  }

  /** A fresh token for the same app, channel and uid extends the session. */
  async renewToken(participant: Participant, token: string): Promise<number> {
    const grant = await checkJoin(this.#deps, { appId: participant.appId, channel: participant.channel, uid: participant.uid, token }, {
      ip: participant.peer?.remoteAddress ?? '',
      uidTaken: () => false,
    });
    if (String(grant.uid) !== participant.key) throw new JoinRefused('forbidden', 'The token is for another uid');
    participant.tokenExpiresAt = grant.expiresAt;
    if (participant.role === 'host') participant.mayPublish = grant.mayPublish;
    this.#armTokenTimers(participant);
    return grant.expiresAt;
  }

  // ------------------------------------------------------------------ media

  async publishOffer(participant: Participant, sdp: string, tracks: Array<{ mid: string; kind: MediaKind }>): Promise<string> {
    // Checked before werift sees the SDP: parsing a hostile offer is the expensive part.
    if (participant.mayPublish.size === 0) {
      this.counts.offersRefused += 1;
      throw new JoinRefused('forbidden', participant.role === 'host' ? 'Not allowed to publish: the token grants no publishing privilege or a ban applies' : 'Audience members cannot publish');
    }
    for (const { kind } of tracks) {
      if (!participant.mayPublish.has(kind)) {
        this.counts.offersRefused += 1;
        throw new JoinRefused('forbidden', `Not allowed to publish ${kind}: the token lacks the privilege or a ban applies`);
      }
    }
    try {
      checkPublishOffer(sdp, tracks);
    } catch (error) {
      this.counts.offersRefused += 1;
      throw error;
    }
    const room = this.roomOf(participant);
    const { sdp: answer, kinds } = await participant.answerPublishOffer(sdp, tracks);
    const declared = new Set(tracks.map((t) => t.kind));
    for (const kind of participant.publishedKinds) if (!declared.has(kind)) await room.unpublish(participant, kind);
    for (const track of kinds.values()) room.publish(participant, track);
    return answer;
  }

  async unpublish(participant: Participant, kind: MediaKind): Promise<void> {
    await this.roomOf(participant).unpublish(participant, kind);
  }

  async subscribe(participant: Participant, uid: number | string, kind: MediaKind): Promise<void> {
    const publisher = this.roomOf(participant).find(uid);
    if (!publisher || publisher === participant) throw new JoinRefused('unknown_user', `No user ${uid} in the channel`);
    const track = publisher.publishedTrack(kind);
    if (!track) throw new JoinRefused('unknown_user', `User ${uid} does not publish ${kind}`);
    await participant.subscribe(publisher, track);
  }

  async unsubscribe(participant: Participant, uid: number | string, kind: MediaKind): Promise<void> {
    const publisher = this.roomOf(participant).find(uid);
    if (publisher) await participant.unsubscribe(publisher, kind);
  }

  mute(participant: Participant, kind: MediaKind, muted: boolean): void {
    this.roomOf(participant).setMuted(participant, kind, muted);
  }

  /** A media connection that never connected was closed: its tracks are gone, and the client is told. */
  async #mediaTimedOut(participant: Participant, connection: MediaConnection): Promise<void> {
    this.counts.mediaConnectTimeouts += 1;
    const seconds = Math.round(this.#deps.network.connectTimeoutMs / 1000);
    this.#deps.log.info({ appId: participant.appId, channel: participant.channel, uid: participant.uid, connection }, `media connection did not connect within ${seconds} s: closed`);
    if (connection === 'publish') {
      const room = this.#roomOf.get(participant);
      for (const kind of participant.publishedKinds) await room?.unpublish(participant, kind);
    }
    participant.send({
      type: 'error',
      code: 'media_timeout',
      message: `The ${connection} connection did not connect within ${seconds} s and was closed: ${connection === 'publish' ? 'publish' : 'subscribe'} again`,
    });
  }

  /** What this node carries right now, for metrics. */
  load(): { rooms: number; participants: number; published: Record<MediaKind, number>; forwarded: Record<MediaKind, number> } {
    const published = { audio: 0, video: 0 };
    const forwarded = { audio: 0, video: 0 };
    let participants = 0;
    for (const room of this.#rooms.values()) {
      for (const participant of room.participants) {
        participants += 1;
        for (const kind of participant.publishedKinds) published[kind] += 1;
        for (const kind of participant.subscribedKinds()) forwarded[kind] += 1;
      }
    }
    return { rooms: this.#rooms.size, participants, published, forwarded };
  }

  // ------------------------------------------------------------------ REST facade

  participants(appId: string, channel: string): Promise<ParticipantView[]> {
    return this.#deps.directory.list(appId, channel);
  }

  channelCounts(appId: string): Promise<ChannelCount[]> {
    return this.#deps.directory.channels(appId);
  }

  /** Disconnects a user (told why) for `reason`; false when they are not in the channel here. */
  async kick(appId: string, channel: string, uid: number | string, message = 'Removed from the channel by the server'): Promise<boolean> {
    const participant = this.room(appId, channel)?.find(uid);
    if (!participant) return false;
    await this.#end(participant, LeaveReason.permission, message, CloseCode.kicked);
    return true;
  }

  /**
   * Participants on this node in `appId` that a ban rule's scope covers: each field given must
   * match (ip against the signaling socket's address). Server-side recorders are never covered.
   */
  participantsMatching(appId: string, scope: { channel?: string; uid?: number | string; ip?: string }): Participant[] {
    const ipOf = (p: Participant) => (p.peer?.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.)/i, '');
    return [...this.#rooms.values()]
      .filter((room) => room.appId === appId && (scope.channel === undefined || room.channel === scope.channel))
      .flatMap((room) => room.participants)
      .filter((p) => p.role !== 'recorder')
      .filter((p) => scope.uid === undefined || p.key === String(scope.uid))
      .filter((p) => scope.ip === undefined || ipOf(p) === scope.ip);
  }

  /** A publish ban on someone already in: their tracks of these kinds stop and new offers for them are refused. */
  async revokePublishing(participant: Participant, kinds: MediaKind[]): Promise<void> {
    for (const kind of kinds) {
      participant.mayPublish.delete(kind);
      if (participant.publishedTrack(kind) && participant.leftReason === undefined) await this.roomOf(participant).unpublish(participant, kind);
    }
  }

  /** Disconnects everyone in a channel; resolves to how many were in it. */
  async closeChannel(appId: string, channel: string): Promise<number> {
    const room = this.room(appId, channel);
    if (!room) return 0;
    const participants = room.participants;
    for (const participant of participants) await this.#end(participant, LeaveReason.permission, 'The channel was deleted', CloseCode.kicked);
    return participants.length;
  }

  /** Server shutdown: everyone leaves with reason 4 and is told the server is going away. */
  async shutdown(): Promise<void> {
    for (const room of [...this.#rooms.values()]) {
      for (const participant of room.participants) {
        await this.#end(participant, LeaveReason.serverInternal, 'The server is shutting down', CloseCode.shuttingDown);
      }
    }
  }
}
