// What verified claims grant: rtcGrantFor matching and privilegeActive expiry.
import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { buildAccessToken2 } from './accessToken2.ts';
import { privilegeActive, rtcGrantFor } from './claims.ts';
import type { TokenClaims } from './claims.ts';
import { buildLegacy006Token } from './legacy006.ts';
import { buildRtcToken } from './rtc.ts';
import type { BuildRtcTokenInput } from './rtc.ts';
import { verifyToken } from './verify.ts';

const hex32 = (): string => randomBytes(16).toString('hex');
const appId = hex32();
const appCertificate = hex32();
const lookupCertificate = (): string => appCertificate;
const issueTs = Math.floor(Date.now() / 1000);

async function claimsOf(token: string, extra: { channel?: string; uid?: number | string } = {}): Promise<TokenClaims> {
  const result = await verifyToken(token, { lookupCertificate, now: issueTs, ...extra });
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result.claims;
}

function rtcToken(overrides: Partial<BuildRtcTokenInput>): string {
  return buildRtcToken({
    appId,
    appCertificate,
    channel: 'main',
    uid: 1001,
    role: 'publisher',
    tokenExpireSeconds: 3600,
    issueTs,
    ...overrides,
  });
}

describe('rtcGrantFor', () => {
  it('finds nothing for another channel', async () => {
    const claims = await claimsOf(rtcToken({}));
    expect(rtcGrantFor(claims, 'main', 1001)).toBeDefined();
    expect(rtcGrantFor(claims, 'other', 1001)).toBeUndefined();
    expect(rtcGrantFor(claims, 'Main', 1001)).toBeUndefined();
  });

  it('finds nothing when a uid token is used by another uid', async () => {
    const claims = await claimsOf(rtcToken({ uid: 1001 }));
    expect(rtcGrantFor(claims, 'main', 1002)).toBeUndefined();
    expect(rtcGrantFor(claims, 'main', 0)).toBeUndefined();
    expect(rtcGrantFor(claims, 'main', 'someone')).toBeUndefined();
  });

  it('cannot tell a uid from an all-digit account, as Agora cannot', async () => {
    const claims = await claimsOf(rtcToken({ uid: 1001 }));
    expect(rtcGrantFor(claims, 'main', '1001')).toBeDefined();
  });

  it('matches any uid or account with a wildcard (uid 0) token', async () => {
    const claims = await claimsOf(rtcToken({ uid: 0 }));
    expect(rtcGrantFor(claims, 'main', 5)).toMatchObject({ uid: '' });
    expect(rtcGrantFor(claims, 'main', 'zed')).toMatchObject({ uid: '' });
    expect(rtcGrantFor(claims, 'other', 5)).toBeUndefined();
  });

  it('prefers an exact-uid grant over a wildcard one in the same token', async () => {
    const token = buildAccessToken2({
      appId,
      appCertificate,
      expire: 3600,
      issueTs,
      services: [
        { type: 1, privileges: { 1: 0 }, channelName: 'main', uid: '' },
        { type: 1, privileges: { 1: 0, 2: 0 }, channelName: 'main', uid: '7' },
      ],
    });
    const claims = await claimsOf(token);
    expect(rtcGrantFor(claims, 'main', 7)).toMatchObject({ uid: '7' });
    expect(rtcGrantFor(claims, 'main', 8)).toMatchObject({ uid: '' });
  });

  it('works the same on 006 claims, which hold only the channel and uid they were verified for', async () => {
    const token = buildLegacy006Token({ appId, appCertificate, channel: 'main', uid: 0, privileges: { 1: 0 } });
    const claims = await claimsOf(token, { channel: 'main', uid: 44 });
    expect(rtcGrantFor(claims, 'main', 44)).toMatchObject({ channel: 'main', uid: '' });
    expect(rtcGrantFor(claims, 'other', 44)).toBeUndefined();
  });
});

describe('privilegeActive', () => {
  it('denies publishing to a subscriber token while allowing it to join', async () => {
    const grant = rtcGrantFor(await claimsOf(rtcToken({ role: 'subscriber' })), 'main', 1001);
    expect(privilegeActive(grant, 'joinChannel', issueTs)).toBe(true);
    expect(privilegeActive(grant, 'publishAudio', issueTs)).toBe(false);
    expect(privilegeActive(grant, 'publishVideo', issueTs)).toBe(false);
    expect(privilegeActive(grant, 'publishData', issueTs)).toBe(false);
  });

  it('honours a privilege expiry earlier than the token expiry', async () => {
    const claims = await claimsOf(rtcToken({ tokenExpireSeconds: 3600, privilegeExpireSeconds: 600 }));
    const grant = rtcGrantFor(claims, 'main', 1001);
    expect(claims.expiresAt).toBe(issueTs + 3600);
    expect(grant?.privileges.joinChannel).toBe(issueTs + 600);
    expect(privilegeActive(grant, 'joinChannel', issueTs + 599)).toBe(true);
    expect(privilegeActive(grant, 'joinChannel', issueTs + 600)).toBe(false);
    expect(privilegeActive(grant, 'publishVideo', issueTs + 600)).toBe(false);
  });

  it('treats privilege value 0 as "until the token expires" and caps longer privileges at it', async () => {
    const token = buildAccessToken2({
      appId,
      appCertificate,
      expire: 3600,
      issueTs,
      services: [{ type: 1, privileges: { 1: 0, 2: 999_999 }, channelName: 'main', uid: '' }],
    });
    const grant = rtcGrantFor(await claimsOf(token), 'main', 1);
    expect(grant?.privileges).toEqual({ joinChannel: issueTs + 3600, publishAudio: issueTs + 3600 });
    expect(privilegeActive(grant, 'publishAudio', issueTs + 3599)).toBe(true);
    expect(privilegeActive(grant, 'publishAudio', issueTs + 3600)).toBe(false);
  });

  it('honours an absolute 006 privilege expiry earlier than the message expiry', async () => {
    const token = buildLegacy006Token({
      appId,
      appCertificate,
      channel: 'main',
      uid: 9,
      privileges: { 1: issueTs + 100, 2: 0 },
      ts: issueTs + 86_400,
    });
    const grant = rtcGrantFor(await claimsOf(token, { channel: 'main', uid: 9 }), 'main', 9);
    expect(grant?.privileges).toEqual({ joinChannel: issueTs + 100, publishAudio: issueTs + 86_400 });
    expect(privilegeActive(grant, 'joinChannel', issueTs + 100)).toBe(false);
    expect(privilegeActive(grant, 'publishAudio', issueTs + 100)).toBe(true);
  });

  it('is false for a missing grant', () => {
    expect(privilegeActive(undefined, 'joinChannel')).toBe(false);
  });
});
