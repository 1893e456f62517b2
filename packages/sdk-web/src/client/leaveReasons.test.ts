/**
 * The strings kicks, refused joins and remote leaves turn into, by the server's leave codes.
 */
import { describe, expect, it } from 'vitest';
import { disconnectReasonForJoinError, disconnectReasonForKick, userLeftReason } from './leaveReasons.ts';

describe('leave reasons', () => {
  it('name the DISCONNECTED reason of a kick by its leave code', () => {
    expect(disconnectReasonForKick(3)).toBe('UID_BANNED');
    expect(disconnectReasonForKick(12)).toBe('TOKEN_EXPIRED');
    expect(disconnectReasonForKick(5)).toBe('REPLACED');
    expect(disconnectReasonForKick(4)).toBe('SERVER_KICKED');
    expect(disconnectReasonForKick(0)).toBe('SERVER_KICKED');
  });

  it('name the DISCONNECTED reason of a refused join by the server\'s error code', () => {
    expect(disconnectReasonForJoinError('banned')).toBe('UID_BANNED');
    expect(disconnectReasonForJoinError('token_expired')).toBe('TOKEN_EXPIRED');
    expect(disconnectReasonForJoinError('invalid_token')).toBe('SERVER_ERROR');
  });

  it('use Agora\'s user-left strings where Agora has one', () => {
    expect(userLeftReason(1)).toBe('Quit');
    expect(userLeftReason(2)).toBe('ServerTimeOut');
    expect(userLeftReason(10)).toBe('ServerTimeOut');
    expect(userLeftReason(99)).toBe('ServerTimeOut');
    expect(userLeftReason(3)).toBe('Kicked');
    expect(userLeftReason(5)).toBe('Replaced');
    expect(userLeftReason(12)).toBe('TokenExpired');
    expect(userLeftReason(0)).toBe('Quit');
  });
});
