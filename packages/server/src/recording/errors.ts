/**
 * What can go wrong with a recording request, in the service's words. The two API surfaces turn
 * a kind into their own answers: Parley's error envelope, or Agora's `{code, reason}` with its
 * HTTP status (compat/agora/cloudRecording.ts).
 */
export type RecordingErrorKind =
  /** A field is wrong in a way the schema cannot say (mutually exclusive lists, ["mp4"] alone…). */
  | 'invalid_parameter'
  | 'invalid_channel_name'
  /** Not something Parley records: web page mode, snapshots, encrypted channels, other storage vendors. */
  | 'unsupported'
  | 'resource_not_found'
  | 'resource_expired'
  /** start's cname, uid or clientRequest differ from what acquire was given. */
  | 'resource_mismatch'
  /** The resource has already started a recording (Agora code 7). */
  | 'already_started'
  /** A recorder with this uid already records the channel (Agora code 53). */
  | 'task_conflict'
  /** Someone in the channel already uses the recorder's uid. */
  | 'uid_in_use'
  | 'not_found'
  /** update or updateLayout on a task that has stopped. */
  | 'not_running'
  /** stop on a task that is stopping or has stopped (Agora code 49). */
  | 'already_stopped'
  /** The storage refused the credentials, has no such bucket, or cannot be reached. */
  | 'storage'
  /** ffmpeg is missing or lacks what recordings need. */
  | 'tools_missing';

export class RecordingError extends Error {
  readonly kind: RecordingErrorKind;
  readonly field: string | undefined;

  constructor(kind: RecordingErrorKind, message: string, field?: string) {
    super(message);
    this.kind = kind;
    this.field = field;
  }
}
