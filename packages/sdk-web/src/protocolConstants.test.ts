/**
 * The SDK's copies of protocol values stay equal to packages/protocol (the single source of truth).
 */
import * as protocol from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import * as copies from './protocolConstants.ts';

describe('protocol constants copied into the SDK', () => {
  it('match the signaling protocol', () => {
    expect(copies.SIGNALING_PATH).toBe(protocol.SIGNALING_PATH);
    expect(copies.RESUME_WINDOW_MS).toBe(protocol.RESUME_WINDOW_MS);
    expect(copies.KEEPALIVE_INTERVAL_MS).toBe(protocol.KEEPALIVE_INTERVAL_MS);
    expect(copies.LeaveReason).toEqual(protocol.LeaveReason);
  });

  it('match the channel, uid and App ID rules', () => {
    expect(copies.CHANNEL_NAME_PATTERN).toBe(protocol.CHANNEL_NAME_PATTERN);
    expect(copies.CHANNEL_NAME_PATTERN).toBe((protocol.ChannelName as unknown as { pattern: string }).pattern);
    expect(copies.APP_ID_PATTERN).toBe(protocol.HEX32_PATTERN);
    const [numeric, account] = protocol.Uid.anyOf as unknown as [{ maximum: number }, { pattern: string; maxLength: number }];
    expect(copies.MAX_UINT32).toBe(numeric.maximum);
    expect(copies.STRING_UID_PATTERN).toBe(account.pattern);
    expect(copies.STRING_UID_MAX_LENGTH).toBe(account.maxLength);
  });
});
