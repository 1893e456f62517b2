/**
 * The signaling edge's one map from domain error kinds to the protocol's error codes. A kind
 * that calls never meet still needs an answer here, so a new kind does not compile until it has one.
 */
import type { SignalingErrorCode } from '@parley/protocol';
import type { DomainErrorKind } from '../domainError.ts';

export const SIGNALING_ERRORS: Record<DomainErrorKind, SignalingErrorCode> = {
  invalid_parameter: 'invalid_message',
  invalid_channel_name: 'invalid_message',
  not_found: 'unknown_user',
  forbidden: 'forbidden',
  rate_limited: 'rate_limited',
  unavailable: 'internal',
  unsupported: 'invalid_message',
  channel_encrypted: 'forbidden',
  resource_not_found: 'internal',
  resource_expired: 'internal',
  resource_mismatch: 'internal',
  already_started: 'internal',
  task_conflict: 'internal',
  uid_in_use: 'already_joined',
  not_running: 'internal',
  already_stopped: 'internal',
  storage: 'internal',
  tools_missing: 'internal',
  invalid_token: 'invalid_token',
  token_expired: 'token_expired',
  banned: 'banned',
  not_joined: 'not_joined',
  already_joined: 'already_joined',
  unknown_user: 'unknown_user',
  session_not_found: 'session_not_found',
  invalid_offer: 'invalid_offer',
  media_ports_exhausted: 'media_ports_exhausted',
  too_many_sessions: 'too_many_sessions',
  unauthorized: 'forbidden',
  conflict: 'internal',
};
