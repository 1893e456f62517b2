/**
 * Server-side recorders as participants: role `recorder`, listed by REST and in sessions, never
 * announced to clients, with no peer connections of their own — a recorder reads publishers'
 * tracks directly from the room.
 */
import { LeaveReason } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { Participant, type MediaWatch, type PublishedTrack } from './participant.ts';
import type { MediaNetwork } from './peerFactory.ts';
import type { RoomObserver } from './room.ts';
import type { RoomRegistry } from './roomRegistry.ts';
import { DETACHED_PEER } from './signalingPeer.ts';

export interface RecorderAttachment {
  participant: Participant;
  /** Every track published in the room now, with its publisher. */
  tracks(): Array<{ publisher: Participant; track: PublishedTrack }>;
  leave(reason?: number): Promise<void>;
}

export interface RecorderDeps {
  registry: RoomRegistry;
  network: MediaNetwork;
  watch: MediaWatch;
  /** Ends the recorder's session the way every session ends. */
  end(participant: Participant, reason: number): Promise<void>;
}

/**
 * Puts a recorder into a channel (creating the room in `mode` if nobody is in it). `observer`
 * hears about tracks published and unpublished and participants leaving from then on.
 */
export function attachRecorder(
  deps: RecorderDeps,
  target: { appId: string; channel: string; uid: number | string; mode: 'rtc' | 'live' },
  observer: RoomObserver,
): RecorderAttachment {
  const existing = deps.registry.get(target.appId, target.channel);
  if (existing?.find(target.uid)) throw new DomainError('already_joined', `uid ${target.uid} is already in the channel`);
  const mode = existing?.mode ?? target.mode;
  const participant = new Participant(
    {
      appId: target.appId,
      channel: target.channel,
      uid: target.uid,
      role: 'recorder',
      platform: 'cloud-recording',
      mode,
      network: deps.network,
      // A recorder holds no token; it stays until it is stopped.
      tokenExpiresAt: Number.MAX_SAFE_INTEGER,
      mayPublish: new Set(),
      watch: deps.watch,
    },
    DETACHED_PEER,
  );
  const room = deps.registry.enter(participant, mode);
  const stopObserving = room.observe(observer);
  return {
    participant,
    tracks: () =>
      room.participants
        .filter((p) => p !== participant)
        .flatMap((p) => p.publishedKinds.map((kind) => ({ publisher: p, track: p.publishedTrack(kind)! }))),
    leave: async (reason: number = LeaveReason.normal) => {
      stopObserving();
      await deps.end(participant, reason);
    },
  };
}
