/**
 * The error factories: codes a caller can switch on, server codes kept, getUserMedia failures mapped.
 */
import { describe, expect, it } from 'vitest';
import {
  invalidParams,
  isParleyRTCError,
  isServerError,
  mediaFailed,
  multipleTracks,
  ParleyRTCError,
  requestTimeout,
  serverRefused,
  webrtcFailed,
} from './errors.ts';

function domError(name: string): Error {
  const error = new Error(`${name} happened`);
  error.name = name;
  return error;
}

describe('ParleyRTCError factories', () => {
  it('build errors a caller can switch on by code', () => {
    const error = invalidParams('bad channel', { field: 'channel' });
    expect(error).toBeInstanceOf(ParleyRTCError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ParleyRTCError');
    expect(error.code).toBe('INVALID_PARAMS');
    expect(error.data).toEqual({ field: 'channel' });
    expect(isParleyRTCError(error)).toBe(true);
    expect(String(error)).toBe('ParleyRTCError INVALID_PARAMS: bad channel');
  });

  it('keep the server\'s code as sent and tell server refusals from local failures', () => {
    const refused = serverRefused('invalid_token', 'The token has expired', 'join');
    expect(refused.code).toBe('invalid_token');
    expect(refused.message).toBe('The token has expired');
    expect(refused.data).toEqual({ requestType: 'join' });
    expect(isServerError(refused)).toBe(true);
    expect(isServerError(requestTimeout('join', 10_000))).toBe(false);
  });

  it('name the request that timed out', () => {
    const error = requestTimeout('publish-offer', 10_000);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('publish-offer');
  });

  it('map getUserMedia failures to codes by DOMException name', () => {
    expect(mediaFailed(domError('NotAllowedError')).code).toBe('PERMISSION_DENIED');
    expect(mediaFailed(domError('NotFoundError')).code).toBe('DEVICE_NOT_FOUND');
    expect(mediaFailed(domError('NotReadableError')).code).toBe('NOT_READABLE');
    expect(mediaFailed(domError('OverconstrainedError')).code).toBe('CONSTRAINT_NOT_SATISFIED');
    expect(mediaFailed(new TypeError('bad constraints')).code).toBe('MEDIA_OPTION_INVALID');
    const cause = domError('NotAllowedError');
    expect(mediaFailed(cause).cause).toBe(cause);
  });

  it('use Agora\'s code for a second video track', () => {
    expect(multipleTracks('video').code).toBe('CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS');
    expect(multipleTracks('audio').code).toBe('CAN_NOT_PUBLISH_MULTIPLE_AUDIO_TRACKS');
  });

  it('keep the browser\'s error as the cause of a WebRTC failure', () => {
    const cause = domError('InvalidStateError');
    const error = webrtcFailed('Applying the answer', cause);
    expect(error.code).toBe('WEBRTC_ERROR');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Applying the answer failed: InvalidStateError happened');
  });
});
