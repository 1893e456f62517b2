/**
 * The error factories: codes a caller can switch on, server codes kept, getUserMedia failures mapped.
 */
import { describe, expect, it } from 'vitest';
import {
  invalidParams,
  isParleyRTCError,
  isServerError,
  mediaFailed,
  multipleVideoTracks,
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

  it('give a refused join Agora\'s code, keep the server\'s as the reason, and tell refusals from local failures', () => {
    const refused = serverRefused('invalid_token', 'Token signature mismatch', 'join');
    expect(refused.code).toBe('CAN_NOT_GET_GATEWAY_SERVER');
    expect(refused.reason).toBe('invalid_token');
    expect(refused.message).toBe('invalid token, authorized failed: Token signature mismatch');
    expect(refused.data).toEqual({ requestType: 'join', reason: 'invalid_token' });
    expect(isServerError(refused)).toBe(true);
    expect(serverRefused('banned', 'Banned for 5 minutes', 'join')).toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'banned' });
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
    expect(multipleVideoTracks().code).toBe('CAN_NOT_PUBLISH_MULTIPLE_VIDEO_TRACKS');
  });

  it('map refusals outside a join to the code Agora raises for the same failure', () => {
    expect(serverRefused('token_expired', 'expired', 'renew-token')).toMatchObject({ code: 'TOKEN_EXPIRE', reason: 'token_expired' });
    expect(serverRefused('unknown_user', 'no such user', 'subscribe').code).toBe('INVALID_REMOTE_USER');
    expect(serverRefused('media_ports_exhausted', 'no port', 'publish').code).toBe('NO_ICE_CANDIDATE');
    expect(serverRefused('something_new', 'from a newer server', 'publish')).toMatchObject({ code: 'UNEXPECTED_RESPONSE', reason: 'something_new' });
  });

  it('print and throw as Agora\'s errors do', () => {
    const error = invalidParams('bad uid');
    expect(() => error.throw()).toThrow(error);
  });

  it('keep the browser\'s error as the cause of a WebRTC failure', () => {
    const cause = domError('InvalidStateError');
    const error = webrtcFailed('SET_ANSWER_FAILED', 'Applying the answer', cause);
    expect(error.code).toBe('SET_ANSWER_FAILED');
    expect(error.cause).toBe(cause);
    expect(error.message).toBe('Applying the answer failed: InvalidStateError happened');
  });
});
