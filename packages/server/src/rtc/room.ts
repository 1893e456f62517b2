/**
 * A channel being used on this node: its participants and what flows between them. It tells
 * everyone in the room about joins, leaves, publishing and muting, relays data channel frames,
 * and keeps the participant directory (what REST reads) in step.
 */
import type { ClientRole, MediaKind, ServerMessage } from '@parley/protocol';
import { encodeServerFrame, type DataFrameKind } from '@parley/protocol/data-channel';
import type { EventBus } from '../events/bus.ts';
import type { ParticipantDirectory } from '../live/index.ts';
import type { Participant, PublishedTrack } from './participant.ts';
import { CloseCode } from './signalingPeer.ts';
import type { Logger } from '../log/logger.ts';

export interface RoomContext {
  events: EventBus;
  directory: ParticipantDirectory;
  log: Logger;
  /** Someone connected here joined, left or changed what they publish (a cascaded channel's other nodes hear of it). */
  localChange?: (room: Room, left?: Participant) => void;
}

/** Something inside the server that follows a room's media: cloud recorders. */
export interface RoomObserver {
  trackPublished(publisher: Participant, track: PublishedTrack): void;
  trackUnpublished(publisher: Participant, kind: MediaKind): void;
  participantLeft(participant: Participant): void;
}

export class Room {
  readonly appId: string;
  readonly channel: string;
  readonly mode: 'rtc' | 'live';
  readonly createdAt = Date.now();
  #participants = new Map<string, Participant>();
  #observers = new Set<RoomObserver>();
  #context: RoomContext;

  constructor(appId: string, channel: string, mode: 'rtc' | 'live', context: RoomContext) {
    this.appId = appId;
    this.channel = channel;
    this.mode = mode;
    this.#context = context;
  }

  get size(): number {
    return this.#participants.size;
  }

  get participants(): Participant[] {
    return [...this.#participants.values()];
  }

  /** The participants connected to this node: everyone but the users of a cascaded channel relayed from other nodes. */
  get local(): Participant[] {
    return this.participants.filter((participant) => participant.relayedFrom === undefined);
  }

  /**
   * Whether media in this channel is end-to-end encrypted: someone in it encrypts (the client said
   * so at join). It stops being so once the last of them has left.
   */
  get encrypted(): boolean {
    for (const participant of this.#participants.values()) if (participant.encrypted) return true;
    return false;
  }

  find(uid: number | string): Participant | undefined {
    return this.#participants.get(String(uid));
  }

  observe(observer: RoomObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  #notify(call: (observer: RoomObserver) => void): void {
    for (const observer of this.#observers) {
      try {
        call(observer);
      } catch (error) {
        this.#context.log.warn({ err: error }, 'room observer failed');
      }
    }
  }

  #broadcast(message: ServerMessage, except?: Participant): void {
    for (const participant of this.#participants.values()) if (participant !== except) participant.send(message);
  }

  /**
   * What a local participant did: the directory, the events and the other nodes of a cascaded
   * channel hear of it. A relayed user's node reports it there, once for the whole cluster.
   */
  #changed(participant: Participant, event?: Parameters<EventBus['emit']>[0]): void {
    if (participant.relayedFrom !== undefined) return;
    this.#syncDirectory(participant);
    if (event) this.#context.events.emit(event);
    this.#context.localChange?.(this);
  }

  #syncDirectory(participant: Participant): void {
    void this.#context.directory
      .put(this.appId, this.channel, participant.asView())
      .catch((error) => this.#context.log.warn({ err: error }, 'participant directory update failed'));
  }

  add(participant: Participant): void {
    this.#participants.set(participant.key, participant);
    // Recorders are listed by REST but not announced to clients, as Agora's are not.
    if (participant.role !== 'recorder') this.#broadcast({ type: 'user-joined', user: participant.asRemoteUser() }, participant);
    this.#changed(participant, {
      type: 'participant.joined',
      appId: this.appId,
      channel: this.channel,
      at: participant.joinedAt,
      sessionId: participant.sessionId,
      uid: participant.uid,
      role: participant.role,
      mode: this.mode,
      platform: participant.platform,
    });
  }

  /** Removes a participant for `reason` (Agora leave code); closes its connections. */
  /** `at` is when the participant left as far as billing goes (a lost client: its last sign of life). */
  async remove(participant: Participant, reason: number, closeCode: number = CloseCode.normal, closeMessage = 'left', at = Date.now()): Promise<void> {
    if (participant.leftReason !== undefined || this.#participants.get(participant.key) !== participant) return;
    participant.leftReason = reason;
    this.#participants.delete(participant.key);
    for (const other of this.#participants.values()) await other.dropSubscriptionsTo(participant);
    await participant.close(closeCode, closeMessage);
    if (participant.relayedFrom === undefined) await this.#context.directory.remove(this.appId, this.channel, participant.uid).catch(() => {});
    if (participant.role !== 'recorder') this.#broadcast({ type: 'user-left', uid: participant.uid, reason });
    this.#notify((observer) => observer.participantLeft(participant));
    if (participant.relayedFrom !== undefined) return;
    this.#context.localChange?.(this, participant);
    this.#context.events.emit({
      type: 'participant.left',
      appId: this.appId,
      channel: this.channel,
      at,
      sessionId: participant.sessionId,
      uid: participant.uid,
      role: participant.role,
      mode: this.mode,
      platform: participant.platform,
      joinedAt: participant.joinedAt,
      reason: reason as never,
    });
  }

  async publish(participant: Participant, track: PublishedTrack): Promise<void> {
    const previous = participant.publishedTrack(track.kind);
    participant.setPublished(track);
    if (previous) {
      this.#changed(participant);
      if (previous.track !== track.track) await this.#replaceSource(participant, track);
      return;
    }
    this.#broadcast({ type: 'user-published', uid: participant.uid, kind: track.kind }, participant);
    this.#notify((observer) => observer.trackPublished(participant, track));
    this.#changed(participant, {
      type: 'track.published',
      appId: this.appId,
      channel: this.channel,
      at: Date.now(),
      sessionId: participant.sessionId,
      uid: participant.uid,
      kind: track.kind,
    });
  }

  /**
   * A kind published anew on another track (a new transceiver: dual stream turned on or off after
   * publishing). Subscribers move to it without renegotiating; recorders close the old track's
   * recording and start one of the new. Clients see no change: the user still publishes the kind.
   */
  async #replaceSource(participant: Participant, track: PublishedTrack): Promise<void> {
    for (const other of this.#participants.values()) {
      if (other !== participant && other.isSubscribed(participant, track.kind)) await other.sourceChanged(participant, track);
    }
    this.#notify((observer) => observer.trackUnpublished(participant, track.kind));
    this.#notify((observer) => observer.trackPublished(participant, track));
  }

  async unpublish(participant: Participant, kind: MediaKind): Promise<void> {
    if (!participant.removePublished(kind)) return;
    for (const other of this.#participants.values()) await other.dropSubscriptionsTo(participant, kind);
    this.#broadcast({ type: 'user-unpublished', uid: participant.uid, kind }, participant);
    this.#notify((observer) => observer.trackUnpublished(participant, kind));
    this.#changed(participant, {
      type: 'track.unpublished',
      appId: this.appId,
      channel: this.channel,
      at: Date.now(),
      sessionId: participant.sessionId,
      uid: participant.uid,
      kind,
    });
  }

  /** A data frame from `sender` for everyone else whose data channel is open; never back to the sender. */
  relayData(sender: Participant, kind: DataFrameKind, payload: Uint8Array): void {
    const frame = encodeServerFrame(kind, sender.dataSender, payload);
    for (const participant of this.#participants.values()) if (participant !== sender) participant.sendData(frame);
  }

  /**
   * A muted track counts as unpublished for subscribers, as in Agora (their SDK fires
   * user-unpublished): their subscriptions end, so no frozen or black picture stays on their screen
   * and no bandwidth goes to it, and they subscribe again once it is unmuted.
   */
  async setMuted(participant: Participant, kind: MediaKind, muted: boolean): Promise<void> {
    if (participant.muted[kind] === muted) return;
    participant.muted[kind] = muted;
    if (muted) for (const other of this.#participants.values()) await other.dropSubscriptionsTo(participant, kind);
    this.#changed(participant);
    this.#broadcast({ type: 'user-muted', uid: participant.uid, kind, muted }, participant);
  }

  /** A live-mode participant switched role: everyone hears of it, webhooks get Agora's 111/112. */
  changeRole(participant: Participant, role: ClientRole): void {
    participant.role = role;
    this.#broadcast({ type: 'user-role-changed', uid: participant.uid, role }, participant);
    this.#changed(participant, {
      type: 'participant.role-changed',
      appId: this.appId,
      channel: this.channel,
      at: Date.now(),
      sessionId: participant.sessionId,
      uid: participant.uid,
      role,
      mode: this.mode,
      platform: participant.platform,
    });
  }

  /** Stores a client's report of its link and tells the others when it changed. */
  setNetworkQuality(participant: Participant, uplink: number, downlink: number): void {
    const previous = participant.networkQuality;
    if (previous && previous.uplink === uplink && previous.downlink === downlink) return;
    participant.networkQuality = { uplink, downlink };
    if (participant.role !== 'recorder') this.#broadcast({ type: 'user-network-quality', uid: participant.uid, uplink, downlink }, participant);
  }

  snapshotFor(participant: Participant) {
    return this.participants.filter((p) => p !== participant && p.role !== 'recorder').map((p) => p.asRemoteUser());
  }
}
