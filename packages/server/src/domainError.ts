/**
 * The one error type of Parley's domain services (channels, recording, calls, webhooks…). It says
 * what went wrong in the service's words — a kind, a message for people, and the field at fault —
 * and nothing about transport: each edge (v1 REST in http/, Agora's routes in compat/, signaling
 * in rtc/signalingErrors.ts) has exactly one exhaustive map from kinds to its wire format, so a new
 * kind does not compile until every edge says how it answers it.
 */
export type DomainErrorKind =
  // --- any request
  /** A value is wrong in a way its schema cannot say (a cursor not ours, to before from…). */
  | 'invalid_parameter'
  | 'invalid_channel_name'
  | 'not_found'
  | 'forbidden'
  /** Too many requests; `retryAfterSeconds` says when to try again. */
  | 'rate_limited'
  /** A part the service needs is down (the store…); try again later. */
  | 'unavailable'
  // --- cloud recording
  /** Not something Parley records: web page mode, snapshots, other storage vendors. */
  | 'unsupported'
  /** The channel's media is end-to-end encrypted (clients in it encrypt): the server cannot record it. */
  | 'channel_encrypted'
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
  /** update or updateLayout on a task that has stopped. */
  | 'not_running'
  /** stop on a task that is stopping or has stopped (Agora code 49). */
  | 'already_stopped'
  /** The storage refused the credentials, has no such bucket, or cannot be reached. */
  | 'storage'
  /** ffmpeg is missing or lacks what recordings need. */
  | 'tools_missing'
  // --- calls
  | 'invalid_token'
  | 'token_expired'
  | 'banned'
  | 'not_joined'
  | 'already_joined'
  | 'unknown_user'
  | 'session_not_found'
  /** A publish offer or subscribe answer the SFU will not parse. */
  | 'invalid_offer'
  | 'media_ports_exhausted'
  | 'too_many_sessions'
  // --- console
  /** Wrong or missing sign-in credentials. */
  | 'unauthorized'
  /** The change contradicts what exists (an email in use, the account's last owner…). */
  | 'conflict';

export class DomainError extends Error {
  readonly kind: DomainErrorKind;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: DomainErrorKind, message: string, field?: string, options: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.kind = kind;
    this.field = field;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
