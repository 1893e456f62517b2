/**
 * Remote users as the application sees them (Agora's IAgoraRTCRemoteUser plus mute flags), and
 * the reconciliation that turns the server's user list — at join and after a resume — into the
 * same joined/left/published/unpublished/muted changes live events produce.
 */
import type { MediaKind, RemoteUser as WireUser } from '@parley/protocol';
import type { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';

export interface RemoteUser {
  readonly uid: number | string;
  /** The user publishes audio (subscribe to receive it). */
  readonly hasAudio: boolean;
  /** The user publishes video (subscribe to receive it). */
  readonly hasVideo: boolean;
  /** Set once subscribed to the user's audio and its media arrived. */
  readonly audioTrack?: RemoteAudioTrack;
  /** Set once subscribed to the user's video and its media arrived. */
  readonly videoTrack?: RemoteVideoTrack;
  /** The user muted the audio it publishes (Parley addition; Agora reports it only as an event). */
  readonly audioMuted: boolean;
  /** The user turned off the video it publishes (Parley addition). */
  readonly videoMuted: boolean;
}

/** The client's own, mutable view of a remote user; handed out as RemoteUser. */
export class RemoteUserState implements RemoteUser {
  readonly uid: number | string;
  hasAudio = false;
  hasVideo = false;
  audioTrack?: RemoteAudioTrack;
  videoTrack?: RemoteVideoTrack;
  audioMuted = false;
  videoMuted = false;

  constructor(uid: number | string) {
    this.uid = uid;
  }
}

/** Users are the same user when their uids print the same (the server treats 42 and "42" alike). */
export function userKey(uid: number | string): string {
  return String(uid);
}

export type UserChange =
  | { type: 'joined'; uid: number | string }
  | { type: 'left'; uid: number | string }
  | { type: 'published'; uid: number | string; kind: MediaKind }
  | { type: 'unpublished'; uid: number | string; kind: MediaKind }
  | { type: 'muted'; uid: number | string; kind: MediaKind; muted: boolean };

type KnownUser = Pick<RemoteUser, 'uid' | 'hasAudio' | 'hasVideo' | 'audioMuted' | 'videoMuted'>;

const KINDS: MediaKind[] = ['audio', 'video'];

/**
 * The changes that take `known` to `latest`, in the order events should fire: leaves first, then
 * per user its join, publishes/unpublishes, and mute changes.
 */
export function reconcileUsers(known: ReadonlyMap<string, KnownUser>, latest: readonly WireUser[]): UserChange[] {
  const changes: UserChange[] = [];
  const latestKeys = new Set(latest.map((user) => userKey(user.uid)));
  for (const [key, user] of known) if (!latestKeys.has(key)) changes.push({ type: 'left', uid: user.uid });
  for (const user of latest) {
    const before = known.get(userKey(user.uid));
    if (!before) changes.push({ type: 'joined', uid: user.uid });
    for (const kind of KINDS) {
      const publishedBefore = before ? (kind === 'audio' ? before.hasAudio : before.hasVideo) : false;
      const publishedNow = user.published.includes(kind);
      if (publishedNow && !publishedBefore) changes.push({ type: 'published', uid: user.uid, kind });
      if (!publishedNow && publishedBefore) changes.push({ type: 'unpublished', uid: user.uid, kind });
      const mutedBefore = before ? (kind === 'audio' ? before.audioMuted : before.videoMuted) : false;
      if (user.muted[kind] !== mutedBefore) changes.push({ type: 'muted', uid: user.uid, kind, muted: user.muted[kind] });
    }
  }
  return changes;
}
