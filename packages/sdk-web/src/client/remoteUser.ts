/**
 * Remote users as the application sees them (Agora's IAgoraRTCRemoteUser plus mute flags), and
 * the reconciliation that turns the server's user list — at join and after a resume — into the
 * same joined/left/published/unpublished/muted changes live events produce.
 */
import type { MediaKind, RemoteUser as WireUser } from '@parley/protocol';
import type { RemoteAudioTrack, RemoteVideoTrack } from '../tracks/remoteTrack.ts';
import type { NetworkQuality } from './networkQuality.ts';

export interface RemoteUser {
  readonly uid: number | string;
  /** The user publishes audio and has not muted or disabled it (subscribe to receive it). */
  readonly hasAudio: boolean;
  /** The user publishes video and has not muted or disabled it (subscribe to receive it). */
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

/**
 * The client's own, mutable view of a remote user; handed out as RemoteUser.
 *
 * As in Agora, a track its publisher muted or disabled counts as not published (`hasVideo` false,
 * `user-unpublished` fired) until it comes back; `publishes` keeps what the server reports as
 * published underneath, so the two facts can change independently.
 */
export class RemoteUserState implements RemoteUser {
  readonly uid: number | string;
  readonly publishes = { audio: false, video: false };
  /** The user's own last report of its link (0 both ways until one arrives), for getRemoteNetworkQuality. */
  networkQuality: NetworkQuality = { uplinkNetworkQuality: 0, downlinkNetworkQuality: 0 };
  /** When each kind last became available to subscribe to (Date.now()), for publishDuration. */
  readonly availableSince = { audio: 0, video: 0 };
  audioTrack?: RemoteAudioTrack;
  videoTrack?: RemoteVideoTrack;
  audioMuted = false;
  videoMuted = false;

  constructor(uid: number | string) {
    this.uid = uid;
  }

  get hasAudio(): boolean {
    return this.publishes.audio && !this.audioMuted;
  }

  get hasVideo(): boolean {
    return this.publishes.video && !this.videoMuted;
  }

  /** Whether the application sees `kind` as published (what user-published/-unpublished track). */
  available(kind: MediaKind): boolean {
    return kind === 'audio' ? this.hasAudio : this.hasVideo;
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

type KnownUser = Pick<RemoteUserState, 'uid' | 'publishes' | 'audioMuted' | 'videoMuted'>;

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
      const publishedBefore = before ? before.publishes[kind] : false;
      const publishedNow = user.published.includes(kind);
      const mutedBefore = before ? (kind === 'audio' ? before.audioMuted : before.videoMuted) : false;
      const mutedNow = user.muted[kind];
      // Changes that take the track away come first, so a track muted and unpublished (or
      // published already muted) never shows up as published in between.
      if (mutedNow && !mutedBefore) changes.push({ type: 'muted', uid: user.uid, kind, muted: true });
      if (!publishedNow && publishedBefore) changes.push({ type: 'unpublished', uid: user.uid, kind });
      if (publishedNow && !publishedBefore) changes.push({ type: 'published', uid: user.uid, kind });
      if (!mutedNow && mutedBefore) changes.push({ type: 'muted', uid: user.uid, kind, muted: false });
    }
  }
  return changes;
}
