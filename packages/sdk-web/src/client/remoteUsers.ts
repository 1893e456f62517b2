/**
 * The remote users a client knows and the tracks it receives from them: applies user changes
 * (firing the client's user events), attaches the media the subscribe connection reports to the
 * right user, and resolves `subscribe()` calls waiting for a track to arrive.
 */
import type { MediaKind } from '@parley/protocol';
import { invalidRemoteUser, operationAborted, remoteUserNotPublished, requestTimeout, type ParleyRTCError } from '../errors.ts';
import type { ReceivedTrack } from '../rtc/subscribeConnection.ts';
import { REQUEST_TIMEOUT_MS } from '../signaling/requestTracker.ts';
import { RemoteAudioTrack, RemoteVideoTrack, type RemoteTrack, type RemoteTrackSource } from '../tracks/remoteTrack.ts';
import type { TypedEmitter } from '../typedEmitter.ts';
import type { ClientEvents, RemoteUserLeftReason } from './events.ts';
import type { NetworkQuality } from './networkQuality.ts';
import { RemoteUserState, userKey, type UserChange } from './remoteUser.ts';

interface TrackWaiter {
  resolve(track: RemoteTrack): void;
  reject(error: ParleyRTCError): void;
  timer: ReturnType<typeof setTimeout>;
}

const KINDS = ['audio', 'video'] as const;

/** How long a track an offer stopped carrying waits for the reason (see #lateDrops). */
const LATE_DROP_MS = 1_500;

function trackKey(uid: number | string, kind: MediaKind): string {
  return `${kind}:${userKey(uid)}`;
}

export class RemoteUsers {
  #events: Pick<TypedEmitter<ClientEvents>, 'emit'>;
  #users = new Map<string, RemoteUserState>();
  #waiters = new Map<string, TrackWaiter[]>();
  /**
   * The (uid, kind) tracks the application subscribed to. A subscribe offer the server sent before
   * it heard of an unsubscribe still lists the track; it must not come back to life.
   */
  #wanted = new Set<string>();
  /**
   * Subscribed tracks whose media is on its way from another node after a failover: the new
   * subscribe connection's first offers do not list them yet, and must not take them away.
   */
  #moving = new Set<string>();
  /**
   * Tracks an offer stopped carrying while their user still publishes them. The server takes a
   * track out of the offer before it says why (user-left, user-unpublished), and a node sending
   * everyone to another node does so before it closes this client's socket too: the track object
   * stays until the reason comes, or LATE_DROP_MS passes, so a move can carry it over.
   */
  #lateDrops = new Map<string, ReturnType<typeof setTimeout>>();
  #trackSource: RemoteTrackSource | undefined;

  constructor(events: Pick<TypedEmitter<ClientEvents>, 'emit'>, trackSource?: RemoteTrackSource) {
    this.#events = events;
    this.#trackSource = trackSource;
  }

  get size(): number {
    return this.#users.size;
  }

  /** The users, for reconciliation (keyed as reconcileUsers expects). */
  get known(): ReadonlyMap<string, RemoteUserState> {
    return this.#users;
  }

  list(): RemoteUserState[] {
    return [...this.#users.values()];
  }

  get(uid: number | string): RemoteUserState | undefined {
    return this.#users.get(userKey(uid));
  }

  /** Applies changes in order, each firing its event (and nothing when it changes nothing). */
  apply(changes: UserChange[]): void {
    for (const change of changes) {
      if (change.type === 'joined') {
        if (this.#users.has(userKey(change.uid))) continue;
        const user = new RemoteUserState(change.uid);
        this.#users.set(userKey(change.uid), user);
        this.#events.emit('user-joined', user);
        continue;
      }
      if (change.type === 'left') {
        this.remove(change.uid, 'Quit');
        continue;
      }
      const user = this.get(change.uid);
      if (!user) continue;
      const availableBefore = user.available(change.kind);
      if (change.type === 'published') user.publishes[change.kind] = true;
      else if (change.type === 'unpublished') user.publishes[change.kind] = false;
      else {
        const field = change.kind === 'audio' ? 'audioMuted' : 'videoMuted';
        if (user[field] === change.muted) continue;
        user[field] = change.muted;
        this.#events.emit('user-info-updated', user.uid, `${change.muted ? 'mute' : 'unmute'}-${change.kind}`);
      }
      this.#availabilityChanged(user, change.kind, availableBefore);
    }
  }

  /** Fires user-published/-unpublished when what the application may subscribe to changed. */
  #availabilityChanged(user: RemoteUserState, kind: MediaKind, before: boolean): void {
    const now = user.available(kind);
    if (now === before) return;
    user.availableSince[kind] = now ? Date.now() : 0;
    if (now) {
      this.#events.emit('user-published', user, kind);
      return;
    }
    this.dropTrack(user, kind);
    this.#settle(trackKey(user.uid, kind), { error: remoteUserNotPublished(user.uid, kind) });
    this.#events.emit('user-unpublished', user, kind);
  }

  /** A remote user's report of its own link arrived. */
  setNetworkQuality(uid: number | string, uplink: number, downlink: number): void {
    const user = this.get(uid);
    if (user) user.networkQuality = { uplinkNetworkQuality: uplink, downlinkNetworkQuality: downlink };
  }

  /** The link quality of every user this client receives a track of (0 both ways until reported). */
  networkQualities(): Record<string, NetworkQuality> {
    const result: Record<string, NetworkQuality> = {};
    for (const [key, user] of this.#users) {
      if (user.audioTrack || user.videoTrack) result[key] = { ...user.networkQuality };
    }
    return result;
  }

  /** A user left: their tracks stop, waiting subscribes fail, `user-left` fires. */
  remove(uid: number | string, reason: RemoteUserLeftReason): void {
    const user = this.get(uid);
    if (!user) return;
    this.#users.delete(userKey(uid));
    for (const kind of KINDS) {
      this.dropTrack(user, kind);
      this.#settle(trackKey(user.uid, kind), { error: invalidRemoteUser(user.uid) });
    }
    user.publishes.audio = user.publishes.video = false;
    this.#events.emit('user-left', user, reason);
  }

  /** Forgets everyone without events (the client left or was kicked). */
  clear(): void {
    for (const user of this.#users.values()) {
      user.audioTrack?.stop();
      user.videoTrack?.stop();
    }
    this.#users.clear();
    this.#wanted.clear();
    this.#moving.clear();
    for (const timer of this.#lateDrops.values()) clearTimeout(timer);
    this.#lateDrops.clear();
    for (const key of [...this.#waiters.keys()]) this.#settle(key, { error: operationAborted('subscribe()') });
  }

  // ---------------------------------------------------------------- tracks

  /** Media for (uid, kind) arrived, or moved to another receiver: attach it and wake subscribe(). */
  attachTrack({ uid, kind, track }: ReceivedTrack): void {
    const user = this.get(uid);
    if (!user || !this.#wanted.has(trackKey(user.uid, kind))) return;
    let remote: RemoteTrack;
    if (kind === 'audio') {
      if (user.audioTrack) user.audioTrack.replaceMediaStreamTrack(track);
      else user.audioTrack = new RemoteAudioTrack(user.uid, track, this.#trackSource);
      remote = user.audioTrack;
    } else {
      if (user.videoTrack) user.videoTrack.replaceMediaStreamTrack(track);
      else user.videoTrack = new RemoteVideoTrack(user.uid, track, this.#trackSource);
      remote = user.videoTrack;
    }
    this.#moving.delete(trackKey(user.uid, kind));
    clearTimeout(this.#lateDrops.get(trackKey(user.uid, kind)));
    this.#lateDrops.delete(trackKey(user.uid, kind));
    this.#settle(trackKey(user.uid, kind), { track: remote });
  }

  /** (uid, kind) is subscribed again on a new node: its track object stays and takes the new media when it comes. */
  awaitMovedTrack(uid: number | string, kind: MediaKind): void {
    const user = this.get(uid);
    if (!user || !(kind === 'audio' ? user.audioTrack : user.videoTrack)) return;
    const key = trackKey(user.uid, kind);
    this.#moving.add(key);
    clearTimeout(this.#lateDrops.get(key));
    this.#lateDrops.delete(key);
  }

  /** After a subscribe offer: attach what is received, drop the tracks the server no longer sends. */
  syncTracks(received: ReceivedTrack[]): void {
    for (const entry of received) this.attachTrack(entry);
    const live = new Set(received.map((entry) => trackKey(entry.uid, entry.kind)));
    for (const user of this.#users.values()) {
      for (const kind of KINDS) {
        // A track still on its way (subscribed, not in this offer yet) stays wanted.
        const attached = kind === 'audio' ? user.audioTrack : user.videoTrack;
        const key = trackKey(user.uid, kind);
        if (!attached || live.has(key) || this.#moving.has(key) || this.#lateDrops.has(key)) continue;
        // A receiver the offer gives to someone else cannot wait: its media is theirs now.
        const reused = received.some((entry) => entry.track === attached.getMediaStreamTrack());
        if (reused || !user.available(kind)) this.dropTrack(user, kind);
        else this.#lateDrops.set(key, setTimeout(() => this.dropTrack(user, kind), LATE_DROP_MS));
      }
    }
  }

  dropTrack(user: RemoteUserState, kind: MediaKind): void {
    this.#wanted.delete(trackKey(user.uid, kind));
    this.#moving.delete(trackKey(user.uid, kind));
    clearTimeout(this.#lateDrops.get(trackKey(user.uid, kind)));
    this.#lateDrops.delete(trackKey(user.uid, kind));
    if (kind === 'audio') {
      user.audioTrack?.stop();
      user.audioTrack = undefined;
    } else {
      user.videoTrack?.stop();
      user.videoTrack = undefined;
    }
  }

  /** True while subscribe() waits for (uid, kind). */
  isWaiting(uid: number | string, kind: MediaKind): boolean {
    return this.#waiters.has(trackKey(uid, kind));
  }

  /** Resolves when (uid, kind)'s media arrives; TIMEOUT after REQUEST_TIMEOUT_MS. */
  waitForTrack(uid: number | string, kind: MediaKind): Promise<RemoteTrack> {
    const key = trackKey(uid, kind);
    this.#wanted.add(key);
    return new Promise((resolve, reject) => {
      const waiter: TrackWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const waiters = this.#waiters.get(key) ?? [];
          waiters.splice(waiters.indexOf(waiter), 1);
          if (waiters.length === 0) this.#waiters.delete(key);
          reject(requestTimeout('subscribe (media arrival)', REQUEST_TIMEOUT_MS));
        }, REQUEST_TIMEOUT_MS),
      };
      this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), waiter]);
    });
  }

  /** Fails whatever waits for (uid, kind). */
  failWaiting(uid: number | string, kind: MediaKind, error: ParleyRTCError): void {
    this.#wanted.delete(trackKey(uid, kind));
    this.#settle(trackKey(uid, kind), { error });
  }

  /** Whose received track has this MediaStreamTrack id (for statistics). */
  ownerOf(trackIdentifier: string | undefined): { uid: number | string; kind: MediaKind } | undefined {
    if (!trackIdentifier) return undefined;
    for (const user of this.#users.values()) {
      if (user.audioTrack?.getMediaStreamTrack().id === trackIdentifier) return { uid: user.uid, kind: 'audio' };
      if (user.videoTrack?.getMediaStreamTrack().id === trackIdentifier) return { uid: user.uid, kind: 'video' };
    }
    return undefined;
  }

  #settle(key: string, outcome: { track: RemoteTrack } | { error: ParleyRTCError }): void {
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    this.#waiters.delete(key);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      if ('track' in outcome) waiter.resolve(outcome.track);
      else waiter.reject(outcome.error);
    }
  }
}
