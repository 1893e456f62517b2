/**
 * The one error type the SDK rejects with, and the named factories that build it.
 *
 * `code` is always one of Agora's error codes (`AgoraRTCErrorCode`), so an Agora app's error
 * handling works unchanged: a refused join is CAN_NOT_GET_GATEWAY_SERVER as in Agora, whatever the
 * server's reason. When the server refused, `reason` holds its own code (invalid_token, banned…,
 * the protocol's SignalingErrorCodes) for callers that want the detail.
 */
import type { MediaKind, SignalingErrorCode } from '@parley/protocol';
import { AgoraRTCErrorCode } from './errorCodes.ts';

/** Every code a ParleyRTCError can carry: Agora's. */
export type ParleyErrorCode = AgoraRTCErrorCode;

/** Every error the SDK throws or rejects with: Agora's code in `code`, the server's own code in `reason` when the server refused. */
export class ParleyRTCError extends Error {
  override readonly name = 'ParleyRTCError';
  readonly code: ParleyErrorCode;
  /** Extra facts about the failure (the uid, the media kind, the request type…). */
  readonly data: Record<string, unknown> | undefined;
  /** The server's code when the server refused; undefined when the SDK raised the error itself. */
  readonly reason: SignalingErrorCode | undefined;

  constructor(code: ParleyErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown>; reason?: SignalingErrorCode } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
    this.reason = options.reason;
  }

  override toString(): string {
    return `ParleyRTCError ${this.code}: ${this.message}`;
  }

  /** Logs the error, as Agora's `AgoraRTCError.print` does, and returns it. */
  print(level: 'error' | 'warning' = 'error'): ParleyRTCError {
    (level === 'warning' ? console.warn : console.error)(this.toString());
    return this;
  }

  throw(): never {
    throw this;
  }
}

export function isParleyRTCError(value: unknown): value is ParleyRTCError {
  return value instanceof ParleyRTCError;
}

/** True when the server refused (`reason` holds its code), false when the SDK raised it. */
export function isServerError(value: unknown): value is ParleyRTCError & { reason: SignalingErrorCode } {
  return value instanceof ParleyRTCError && value.reason !== undefined;
}

// ---------------------------------------------------------------- factories

export function invalidParams(message: string, data?: Record<string, unknown>): ParleyRTCError {
  return new ParleyRTCError('INVALID_PARAMS', message, data ? { data } : {});
}

export function invalidOperation(message: string): ParleyRTCError {
  return new ParleyRTCError('INVALID_OPERATION', message);
}

export function notSupported(message: string): ParleyRTCError {
  return new ParleyRTCError('NOT_SUPPORTED', message);
}

export function gatewayUnreachable(url: string, cause?: unknown): ParleyRTCError {
  return new ParleyRTCError('CAN_NOT_GET_GATEWAY_SERVER', `Could not open the signaling socket ${url}: is the Parley server running, and is setServer() right?`, {
    cause,
    data: { url },
  });
}

export function socketClosed(requestType: string): ParleyRTCError {
  return new ParleyRTCError('WS_DISCONNECT', `The signaling socket closed before the server answered "${requestType}"`, { data: { requestType } });
}

export function requestTimeout(requestType: string, timeoutMs: number): ParleyRTCError {
  return new ParleyRTCError('TIMEOUT', `The server did not answer "${requestType}" within ${timeoutMs} ms`, { data: { requestType, timeoutMs } });
}

export function operationAborted(what: string): ParleyRTCError {
  return new ParleyRTCError('OPERATION_ABORTED', `${what} was aborted: the client left the channel`);
}

export function unexpectedResponse(requestType: string, responseType: string): ParleyRTCError {
  return new ParleyRTCError('UNEXPECTED_RESPONSE', `The server answered "${requestType}" with "${responseType}"`, { data: { requestType, responseType } });
}

/**
 * What Agora raises for each of the server's refusals. Refusing a join is CAN_NOT_GET_GATEWAY_SERVER
 * in Agora whatever the cause (bad token, ban, wrong channel), with the cause in the message.
 */
const AGORA_CODE_FOR_REFUSAL: Record<SignalingErrorCode, ParleyErrorCode> = {
  invalid_message: 'INVALID_PARAMS',
  invalid_token: 'CAN_NOT_GET_GATEWAY_SERVER',
  token_expired: 'TOKEN_EXPIRE',
  forbidden: 'INVALID_OPERATION',
  banned: 'CAN_NOT_GET_GATEWAY_SERVER',
  not_joined: 'INVALID_OPERATION',
  already_joined: 'INVALID_OPERATION',
  unknown_user: 'INVALID_REMOTE_USER',
  session_not_found: 'CAN_NOT_GET_GATEWAY_SERVER',
  negotiation_failed: 'EXCHANGE_SDP_FAILED',
  invalid_offer: 'EXCHANGE_SDP_FAILED',
  media_ports_exhausted: 'NO_ICE_CANDIDATE',
  too_many_sessions: 'CAN_NOT_GET_GATEWAY_SERVER',
  rate_limited: 'NETWORK_RESPONSE_ERROR',
  internal: 'UNEXPECTED_RESPONSE',
};

/** Agora's wording for a refused token, which apps and support answers search for. */
const TOKEN_REFUSAL = 'invalid token, authorized failed';

/**
 * A refusal from the server (`{type: "error", code, message}`): Agora's code, the server's code as
 * `reason`, and a message that starts the way Agora's does for the same failure.
 */
export function serverRefused(code: string, message: string, requestType?: string): ParleyRTCError {
  const reason = code as SignalingErrorCode;
  const joining = requestType === 'join';
  const agoraCode = joining ? 'CAN_NOT_GET_GATEWAY_SERVER' : (AGORA_CODE_FOR_REFUSAL[reason] ?? 'UNEXPECTED_RESPONSE');
  const text = reason === 'invalid_token' || (joining && reason === 'token_expired') ? `${TOKEN_REFUSAL}: ${message}` : message;
  return new ParleyRTCError(agoraCode, text, { reason, data: requestType ? { requestType, reason } : { reason } });
}

/** The step of a WebRTC exchange that failed, by Agora's code for it. */
export type WebRTCStep = 'CREATE_OFFER_FAILED' | 'SET_ANSWER_FAILED' | 'EXCHANGE_SDP_FAILED' | 'LOW_STREAM_ENCODING_ERROR';

export function webrtcFailed(code: WebRTCStep, step: string, cause: unknown): ParleyRTCError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ParleyRTCError(code, `${step} failed: ${reason}`, { cause, data: { step } });
}

export function invalidLocalTrack(message = 'Expected a local track made by ParleyRTC that is not closed'): ParleyRTCError {
  return new ParleyRTCError('INVALID_LOCAL_TRACK', message);
}

export function invalidRemoteUser(uid: number | string): ParleyRTCError {
  return new ParleyRTCError('INVALID_REMOTE_USER', `No remote user ${uid} is in the channel`, { data: { uid } });
}

export function remoteUserNotPublished(uid: number | string, kind: MediaKind): ParleyRTCError {
  return new ParleyRTCError('REMOTE_USER_IS_NOT_PUBLISHED', `Remote user ${uid} does not publish ${kind}`, { data: { uid, kind } });
}

/** A client sends one video track (a second one needs a second client, as in Agora). */
export function multipleVideoTracks(): ParleyRTCError {
  return new ParleyRTCError('CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS', 'A video track is already published: unpublish it first, or publish the second one from another client', { data: { kind: 'video' } });
}

export function dataChannelFailed(reason: string, cause?: unknown): ParleyRTCError {
  return new ParleyRTCError('DATACHANNEL_FAILED', `The data channel failed: ${reason}`, { cause });
}

/** Maps a getUserMedia failure (a DOMException by name) to a code a user can act on. */
export function mediaFailed(cause: unknown): ParleyRTCError {
  const name = cause instanceof Error ? cause.name : '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  const code: ParleyErrorCode =
    name === 'NotAllowedError' || name === 'SecurityError'
      ? 'PERMISSION_DENIED'
      : name === 'NotFoundError'
        ? 'DEVICE_NOT_FOUND'
        : name === 'NotReadableError' || name === 'AbortError'
          ? 'NOT_READABLE'
          : name === 'OverconstrainedError'
            ? 'CONSTRAINT_NOT_SATISFIED'
            : 'MEDIA_OPTION_INVALID';
  return new ParleyRTCError(code, `Could not open the camera or microphone: ${name ? `${name}: ` : ''}${reason}`, { cause });
}
