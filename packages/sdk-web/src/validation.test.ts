/**
 * join() argument checks: channel names, uids and App IDs, as the server's rules have them.
 */
import { describe, expect, it } from 'vitest';
import { checkAppId, checkChannelName, checkCodec, checkJoinToken, checkToken, checkUid } from './validation.ts';

const invalid = expect.objectContaining({ code: 'INVALID_PARAMS' });

describe('join arguments', () => {
  it('accept channel names from Agora\'s alphabet, 1 to 63 characters', () => {
    expect(checkChannelName('Room 1 (test) #a-b_c')).toBe('Room 1 (test) #a-b_c');
    expect(checkChannelName('x'.repeat(63))).toHaveLength(63);
    expect(() => checkChannelName('')).toThrow(invalid);
    expect(() => checkChannelName('x'.repeat(64))).toThrow(invalid);
    expect(() => checkChannelName('café')).toThrow(invalid);
    expect(() => checkChannelName('a/b')).toThrow(invalid);
  });

  it('accept numeric and string uids, and treat 0 or nothing as "let the server choose"', () => {
    expect(checkUid(42)).toBe(42);
    expect(checkUid('alice')).toBe('alice');
    expect(checkUid(0)).toBeUndefined();
    expect(checkUid(null)).toBeUndefined();
    expect(checkUid(undefined)).toBeUndefined();
    expect(() => checkUid(-1)).toThrow(invalid);
    expect(() => checkUid(2 ** 32)).toThrow(invalid);
    expect(() => checkUid(1.5)).toThrow(invalid);
    expect(() => checkUid('')).toThrow(invalid);
    expect(() => checkUid('a/b')).toThrow(invalid);
  });

  it('accept App IDs of 32 lowercase hex characters', () => {
    expect(checkAppId('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(() => checkAppId('0123456789ABCDEF0123456789ABCDEF')).toThrow(invalid);
    expect(() => checkAppId('short')).toThrow(invalid);
  });

  it('accept a token string; renewing refuses an empty or null one', () => {
    expect(checkToken('007abc')).toBe('007abc');
    expect(() => checkToken(null)).toThrow(invalid);
    expect(() => checkToken('')).toThrow(invalid);
  });

  it('accept Agora\'s video codecs the SFU forwards, VP8 when none is given', () => {
    for (const codec of ['vp8', 'vp9', 'h264', 'av1']) expect(checkCodec(codec)).toBe(codec);
    expect(checkCodec(undefined)).toBe('vp8');
    expect(() => checkCodec('h265')).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS', message: expect.stringContaining('"vp8", "vp9", "h264", "av1"') }));
    expect(() => checkCodec('VP8')).toThrow(invalid);
  });

  it('join without a token for Agora\'s null or \'\' (testing mode), and still refuse other non-strings', () => {
    expect(checkJoinToken(null)).toBeUndefined();
    expect(checkJoinToken('')).toBeUndefined();
    expect(checkJoinToken('007abc')).toBe('007abc');
    expect(() => checkJoinToken(undefined)).toThrow(invalid);
    expect(() => checkJoinToken(42)).toThrow(invalid);
    expect(() => checkJoinToken('x'.repeat(4097))).toThrow(invalid);
  });
});
