/**
 * The remote users while a session moves to another node of a cluster (failover). When a node
 * dies every client of its channel joins again elsewhere, each on its own schedule, so the first
 * to arrive finds the others missing and their tracks not yet published. Rather than firing
 * `user-left` and `user-unpublished` for people who are only moving (and `user-joined` and
 * `user-published` a moment later, with new user and track objects), the client keeps what it
 * knew and waits: a user or track that comes back is the same object as before, with new media
 * underneath (a subscribed track is subscribed again as soon as it is published on the new node);
 * what has not come back when the wait is over is reported gone then.
 */
import type { MediaKind } from '@parley/protocol';
import type { ServerMessage } from '../signaling/messages.ts';
import type { SessionUsers } from '../session/sessionEngine.ts';
import { reconcileUsers, userKey } from './remoteUser.ts';
import type { RemoteUsers } from './remoteUsers.ts';

const KINDS: MediaKind[] = ['audio', 'video'];

interface Awaited {
  uid: number | string;
  /** False until the user is seen on the new node. */
  arrived: boolean;
  /** Kinds published before the move and not yet published again. */
  kinds: Set<MediaKind>;
  /** Kinds this client received before the move: subscribed again once published. */
  subscribed: Set<MediaKind>;
}

export class UserHandover {
  #users: RemoteUsers;
  #resubscribe: (uid: number | string, kind: MediaKind) => void;
  #awaited = new Map<string, Awaited>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * Starts waiting for the users `users` knew, given who the new node lists (`listed`, already
   * filtered to the visible ones), for at most `waitMs`.
   */
  constructor(users: RemoteUsers, listed: SessionUsers, resubscribe: (uid: number | string, kind: MediaKind) => void, waitMs: number) {
    this.#users = users;
    this.#resubscribe = resubscribe;
    for (const user of users.list()) {
      // Every received track keeps its object until its media comes from the new node: the new
      // subscribe connection's first offers, listing only what is subscribed again so far, must not take it away.
      for (const kind of KINDS) users.awaitMovedTrack(user.uid, kind);
      this.#awaited.set(userKey(user.uid), {
        uid: user.uid,
        arrived: false,
        kinds: new Set(KINDS.filter((kind) => user.publishes[kind])),
        subscribed: new Set(KINDS.filter((kind) => (kind === 'audio' ? user.audioTrack : user.videoTrack) !== undefined)),
      });
    }
    // Users new to this client are reported as at join; known ones only gain what they publish now.
    const fresh = listed.filter((user) => !this.#awaited.has(userKey(user.uid)));
    users.apply(reconcileUsers(new Map(), fresh));
    for (const user of listed) {
      if (!this.#awaited.has(userKey(user.uid))) continue;
      this.#arrived(user.uid);
      for (const kind of user.published) {
        // As reconcileUsers orders them: a track published muted never shows as published in between.
        users.apply([{ type: 'muted', uid: user.uid, kind, muted: user.muted[kind] }, { type: 'published', uid: user.uid, kind }]);
        this.#published(user.uid, kind);
      }
    }
    this.#timer = setTimeout(() => this.finish(), waitMs);
    this.#settleIfDone();
  }

  /** True while users are awaited. */
  get waiting(): boolean {
    return this.#timer !== undefined;
  }

  /** Sees a notice from the new node before the client applies it. */
  observe(message: ServerMessage): void {
    if (!this.waiting) return;
    switch (message.type) {
      case 'user-joined':
        this.#arrived(message.user.uid);
        for (const kind of message.user.published) this.#published(message.user.uid, kind);
        break;
      case 'user-published':
        this.#published(message.uid, message.kind);
        break;
      case 'user-unpublished':
        this.#awaited.get(userKey(message.uid))?.kinds.delete(message.kind);
        this.#awaited.get(userKey(message.uid))?.subscribed.delete(message.kind);
        break;
      case 'user-left':
        this.#awaited.delete(userKey(message.uid));
        break;
      default:
        return;
    }
    this.#settleIfDone();
  }

  /** The wait is over: who never arrived left, what was never published again is unpublished. */
  finish(): void {
    this.#stop();
    const awaited = [...this.#awaited.values()];
    this.#awaited.clear();
    // Leaves first, as reconcileUsers orders them.
    for (const entry of awaited) if (!entry.arrived) this.#users.remove(entry.uid, 'ServerTimeOut');
    for (const entry of awaited) {
      if (entry.arrived) for (const kind of entry.kinds) this.#users.apply([{ type: 'unpublished', uid: entry.uid, kind }]);
    }
  }

  /** The session ended or moved again: stop waiting without reporting anything. */
  cancel(): void {
    this.#stop();
    this.#awaited.clear();
  }

  #arrived(uid: number | string): void {
    const entry = this.#awaited.get(userKey(uid));
    if (entry) entry.arrived = true;
  }

  #published(uid: number | string, kind: MediaKind): void {
    const entry = this.#awaited.get(userKey(uid));
    if (!entry) return;
    entry.kinds.delete(kind);
    if (entry.subscribed.delete(kind)) this.#resubscribe(entry.uid, kind);
  }

  #settleIfDone(): void {
    for (const [key, entry] of this.#awaited) if (entry.arrived && entry.kinds.size === 0 && entry.subscribed.size === 0) this.#awaited.delete(key);
    if (this.#awaited.size === 0) this.#stop();
  }

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
