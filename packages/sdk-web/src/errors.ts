/**
 * The one error type the SDK rejects with, and the named factories that build it.
 *
 * `code` is machine-readable, so callers `switch (error.code)`. Codes the SDK detects itself are
 * UPPER_CASE and follow Agora's Web SDK where Agora has one (INVALID_PARAMS, PERMISSION_DENIED,
 * CAN_NOT_GET_GATEWAY_SERVER…); codes the server refused with are passed through as the server
 * sent them (lower_case, from the protocol's SignalingErrorCodes: invalid_token, banned…).
 */
import type { MediaKind, SignalingErrorCode } from '@parley/protocol';

/** Codes the SDK raises itself. */
export const LOCAL_ERROR_CODES = [
  /** An argument has the wrong type or format. */
  'INVALID_PARAMS',
  /** The call does not fit the current state (publish before join, join twice…). */
  'INVALID_OPERATION',
  /** The browser lacks what the call needs (WebRTC, getUserMedia, a secure context). */
  'NOT_SUPPORTED',
  /** The signaling socket could not be opened: wrong server URL, server down, proxy refusing WebSockets. */
  'CAN_NOT_GET_GATEWAY_SERVER',
  /** The signaling socket closed while a request waited for its reply. */
  'WS_DISCONNECT',
  /** The server did not answer a request in time. */
  'TIMEOUT',
  /** `leave()` (or a kick) ended the operation before it finished. */
  'OPERATION_ABORTED',
  /** The server answered with a message the SDK did not expect. */
  'UNEXPECTED_RESPONSE',
  /** The browser's WebRTC stack refused an offer, answer or track change. */
  'WEBRTC_ERROR',
  /** The user or the browser denied the camera or microphone. */
  'PERMISSION_DENIED',
  /** No camera or microphone matches the request. */
  'DEVICE_NOT_FOUND',
  /** The device exists but cannot be opened (another application holds it, hardware error). */
  'NOT_READABLE',
  /** The device cannot satisfy the requested resolution, frame rate or device id. */
  'CONSTRAINT_NOT_SATISFIED',
  /** getUserMedia failed for another reason. */
  'MEDIA_OPTION_INVALID',
  /** The value passed is not a local track made by this SDK, or it is closed. */
  'INVALID_LOCAL_TRACK',
  /** No remote user with that uid is in the channel. */
  'INVALID_REMOTE_USER',
  /** The remote user does not publish the media kind asked for. */
  'REMOTE_USER_IS_NOT_PUBLISHED',
  /** A second video track while one is published (one track per kind: unpublish the first). */
  'CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS',
  /** A second audio track while one is published (Parley does not mix audio tracks). */
  'CAN_NOT_PUBLISH_MULTIPLE_AUDIO_TRACKS',
  /** createScreenVideoTrack(…, "enable"): the person did not share the tab's or system's sound. */
  'SHARE_AUDIO_NOT_ALLOWED',
  /** The data channel that carries stream messages and metadata could not be opened, or closed. */
  'DATACHANNEL_FAILED',
  /** sendMetadata() with more than 1024 bytes. */
  'METADATA_OUT_OF_RANGE',
  /**
   * More than 30 stream messages (and metadata) a second, or more than 6 KB of them: Agora's data
   * stream limits. Agora's SDK leaves them to its server, which drops the excess without a word;
   * Parley refuses at once.
   */
  'STREAM_MESSAGE_FREQUENCY_TOO_HIGH',
] as const;

export type LocalErrorCode = (typeof LOCAL_ERROR_CODES)[number];

/** Every code a ParleyRTCError can carry. */
export type ParleyErrorCode = LocalErrorCode | SignalingErrorCode;

export class ParleyRTCError extends Error {
  override readonly name = 'ParleyRTCError';
  readonly code: ParleyErrorCode;
  /** Extra facts about the failure (the uid, the media kind, the request type…). */
  readonly data: Record<string, unknown> | undefined;

  constructor(code: ParleyErrorCode, message: string, options: { cause?: unknown; data?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }

  override toString(): string {
    return `ParleyRTCError ${this.code}: ${this.message}`;
  }
}

export function isParleyRTCError(value: unknown): value is ParleyRTCError {
  return value instanceof ParleyRTCError;
}

/** True when the server refused (its code is one of the protocol's), false when the SDK raised it. */
export function isServerError(value: unknown): value is ParleyRTCError & { code: SignalingErrorCode } {
  return value instanceof ParleyRTCError && !(LOCAL_ERROR_CODES as readonly string[]).includes(value.code);
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

/** A refusal from the server (`{type: "error", code, message}`); the code is kept as sent. */
export function serverRefused(code: string, message: string, requestType?: string): ParleyRTCError {
  return new ParleyRTCError(code as SignalingErrorCode, message, requestType ? { data: { requestType } } : {});
}

export function webrtcFailed(step: string, cause: unknown): ParleyRTCError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ParleyRTCError('WEBRTC_ERROR', `${step} failed: ${reason}`, { cause, data: { step } });
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

export function multipleTracks(kind: MediaKind): ParleyRTCError {
  const code = kind === 'video' ? 'CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS' : 'CAN_NOT_PUBLISH_MULTIPLE_AUDIO_TRACKS';
  return new ParleyRTCError(code, `A ${kind} track is already published: unpublish it first`, { data: { kind } });
}

export function dataChannelFailed(reason: string, cause?: unknown): ParleyRTCError {
  return new ParleyRTCError('DATACHANNEL_FAILED', `The data channel failed: ${reason}`, { cause });
}

/** Maps a getUserMedia failure (a DOMException by name) to a code a user can act on. */
export function mediaFailed(cause: unknown): ParleyRTCError {
  const name = cause instanceof Error ? cause.name : '';
  const reason = cause instanceof Error ? cause.message : String(cause);
  const code: LocalErrorCode =
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
