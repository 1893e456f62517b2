/**
 * Who is in which channel right now, as every node sees it. The SFU node that hosts a channel
 * writes here; REST calls on any node read here.
 */
import type { Participant } from '@parley/protocol';
import type { MaybeAsync } from '../maybeAsync.ts';

export interface ChannelCount {
  channel: string;
  participantCount: number;
}

export interface ParticipantDirectory {
  put(appId: string, channel: string, participant: Participant): Promise<void>;
  remove(appId: string, channel: string, uid: number | string): Promise<void>;
  /** At once from memory, or from Redis's answer kept on this node (every channel GET asks); shared, so read-only. */
  list(appId: string, channel: string): MaybeAsync<readonly Participant[]>;
  /** Channels of a project that have anyone in them. */
  channels(appId: string): Promise<ChannelCount[]>;
  /** Forgets every participant this node registered (at start after a crash, and at shutdown). */
  clearNode(nodeId: string): Promise<void>;
  close(): Promise<void>;
}

/** Map keys: a numeric uid and an account of the same digits are the same user, as in tokens. */
export function uidKey(uid: number | string): string {
  return String(uid);
}
