/**
 * Domain events: what happened in channels, emitted once by the rtc/ module (and recordings, by
 * the recording/ module) and consumed by sessions, usage, webhooks and recording. Times are unix
 * milliseconds.
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

/** A live-mode participant switched between host and audience (setClientRole during the call). */
export interface ParticipantRoleChangedEvent extends ChannelRef {
  type: 'participant.role-changed';
  at: number;
  sessionId: string;
  uid: number | string;
  /** The role it has now. */
  role: ClientRole;
  mode: 'rtc' | 'live';
  platform: string;
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

/**
 * Cloud recording events (Agora NCS productId 3), published by the recording/ module. Every one
 * names the recording task: its sid, the recorder's uid and the mode.
 */
export interface RecordingRef extends ChannelRef {
  sid: string;
  resourceId: string;
  /** The recorder's uid in the channel (a string holding an integer, as Agora sends it). */
  uid: string;
  mode: 'individual' | 'mix';
  at: number;
}

/** A recorded file as the recording APIs list it (fileList entries). */
export interface RecordingFileInfo {
  fileName: string;
  trackType: 'audio' | 'video' | 'audio_and_video';
  uid: string;
  mixedAllUser: boolean;
  isPlayable: boolean;
  sliceStartTime: number;
}

/** The task's status number changed (NCS 3 `cloud_recording_status_update`); statuses 0-8, 20. */
export interface RecordingStatusEvent extends RecordingRef {
  type: 'recording.status';
  status: number;
  fileList: RecordingFileInfo[];
}

/** The recorder joined the channel and its components run (NCS 40 `recorder_started`). */
export interface RecordingRecorderJoinedEvent extends RecordingRef {
  type: 'recording.recorder_joined';
}

/**
 * The recorder left the channel (NCS 41 `recorder_leave`). `leaveCode` is Agora's bit set:
 * 0 initialisation failed, 2 the server is shutting down, 4 nobody published for maxIdleTime,
 * 16 stopped by request.
 */
export interface RecordingRecorderLeftEvent extends RecordingRef {
  type: 'recording.recorder_left';
  leaveCode: number;
}

/**
 * Every file is in storage (NCS 31 `uploaded`), or some uploads failed and wait on the server
 * to be retried (NCS 32 `backuped`).
 */
export interface RecordingFilesUploadedEvent extends RecordingRef {
  type: 'recording.files_uploaded';
  uploadingStatus: 'uploaded' | 'backuped';
  fileList: RecordingFileInfo[];
}

/**
 * Something failed (NCS 1 `cloud_recording_error`). `module`: 0 recorder, 1 uploader, 2 service;
 * `errorLevel` 1-5, 5 fatal (the task ended); `errorCode` Agora's (47 upload failed, 51
 * processing error, 32 storage configuration).
 */
export interface RecordingErrorEvent extends RecordingRef {
  type: 'recording.error';
  module: 0 | 1 | 2;
  errorLevel: number;
  errorCode: number;
  errorMsg: string;
}

/** The task ended for good (NCS 11 `session_exit`): 0 normally, 1 abnormally (status 20). */
export interface RecordingExitedEvent extends RecordingRef {
  type: 'recording.exited';
  exitStatus: 0 | 1;
}

export type DomainEvent =
  | ChannelCreatedEvent
  | ChannelDestroyedEvent
  | ParticipantJoinedEvent
  | ParticipantLeftEvent
  | ParticipantRoleChangedEvent
  | TrackPublishedEvent
  | TrackUnpublishedEvent
  | RecordingStatusEvent
  | RecordingRecorderJoinedEvent
  | RecordingRecorderLeftEvent
  | RecordingFilesUploadedEvent
  | RecordingErrorEvent
  | RecordingExitedEvent;

export type DomainEventType = DomainEvent['type'];
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
