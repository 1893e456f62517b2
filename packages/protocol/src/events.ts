/**
 * Domain events: what happened in channels, emitted once by the rtc/ module and consumed by
 * sessions, usage, webhooks and recording. Times are unix milliseconds.
 */
import type { ClientRole, LeaveReason, MediaKind } from './rtc/signaling.ts';

export interface ChannelRef {
  appId: string;
  channel: string;
}

export interface ChannelCreatedEvent extends ChannelRef {
  type: 'channel.created';
  at: number;
}

export interface ChannelDestroyedEvent extends ChannelRef {
  type: 'channel.destroyed';
  at: number;
  /** The last participant to leave. */
  lastUid: number | string;
}

export interface ParticipantJoinedEvent extends ChannelRef {
  type: 'participant.joined';
  at: number;
  sessionId: string;
  uid: number | string;
  role: ClientRole | 'recorder';
  mode: 'rtc' | 'live';
  platform: string;
}

export interface ParticipantLeftEvent extends ChannelRef {
  type: 'participant.left';
  at: number;
  sessionId: string;
  uid: number | string;
  role: ClientRole | 'recorder';
  mode: 'rtc' | 'live';
  platform: string;
  joinedAt: number;
  /** Agora's leave reason codes (see LeaveReason). */
  reason: LeaveReason;
}

export interface TrackPublishedEvent extends ChannelRef {
  type: 'track.published';
  at: number;
  sessionId: string;
  uid: number | string;
  kind: MediaKind;
}

export interface TrackUnpublishedEvent extends ChannelRef {
  type: 'track.unpublished';
  at: number;
  sessionId: string;
  uid: number | string;
  kind: MediaKind;
}

export type DomainEvent =
  | ChannelCreatedEvent
  | ChannelDestroyedEvent
  | ParticipantJoinedEvent
  | ParticipantLeftEvent
  | TrackPublishedEvent
  | TrackUnpublishedEvent;

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
