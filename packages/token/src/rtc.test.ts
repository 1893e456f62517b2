// buildRtcToken: byte-identical to agora-token's RtcTokenBuilder.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, it, expect, vi } from 'vitest';
import { parseAccessToken2 } from './accessToken2.ts';
import { isAgoraId } from './identity.ts';
import { officialParse, RtcRole, RtcTokenBuilder } from './fixtures/officialImplementations.ts';
import { vectorFile } from './fixtures/vectors.ts';
import { buildRtcToken } from './rtc.ts';

const hex32 = (): string => randomBytes(16).toString('hex');
const { appId, appCertificate } = vectorFile;

function vector(id: string) {
  const found = vectorFile.vectors.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`missing vector ${id}`);
  return found;
}

/** Pins agora-token's clock and Math.random so its public builders become deterministic. */
function pinOfficialBuilder(issueTs: number, salt: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  // agora-token uses the fractional `getTime() / 1000` and truncates it when packing.
  vi.setSystemTime(issueTs * 1000 + 250);
  vi.spyOn(Math, 'random').mockReturnValue((salt - 1 + 0.5) / 99_999_999);
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('buildRtcToken', () => {
  it('reproduces the rtc-uid-publisher vector byte for byte', () => {
    const v = vector('rtc-uid-publisher');
    const token = buildRtcToken({
      appId,
      appCertificate,
      channel: v.channelName,
      uid: v.uid ?? 0,
      role: 'publisher',
      tokenExpireSeconds: v.tokenExpire,
      privilegeExpireSeconds: v.privilegeExpire ?? 0,
      issueTs: v.issueTs,
      salt: v.salt,
    });
    expect(token).toBe(v.token);
  });

  it('reproduces the rtc-account-subscriber vector byte for byte (privilege expiry defaults to 0)', () => {
    const v = vector('rtc-account-subscriber');
    const token = buildRtcToken({
      appId,
      appCertificate,
      channel: v.channelName,
      uid: v.account ?? '',
      role: 'subscriber',
      tokenExpireSeconds: v.tokenExpire,
      issueTs: v.issueTs,
      salt: v.salt,
    });
    expect(token).toBe(v.token);
  });

  it('matches agora-token buildTokenWithUid and buildTokenWithUserAccount for fresh credentials', () => {
    const id = hex32();
    const cert = hex32();
    const cases = [
      { uid: 7, role: 'publisher' as const, official: RtcRole.PUBLISHER },
      { uid: 0, role: 'subscriber' as const, official: RtcRole.SUBSCRIBER },
      { uid: 'carol', role: 'publisher' as const, official: RtcRole.PUBLISHER },
    ];
    for (const c of cases) {
      pinOfficialBuilder(1_750_000_000, 31_337);
      const official =
        typeof c.uid === 'number'
          ? RtcTokenBuilder.buildTokenWithUid(id, cert, 'room', c.uid, c.official, 900, 300)
          : RtcTokenBuilder.buildTokenWithUserAccount(id, cert, 'room', c.uid, c.official, 900, 300);
      vi.useRealTimers();
      vi.restoreAllMocks();
      const ours = buildRtcToken({
        appId: id,
        appCertificate: cert,
        channel: 'room',
        uid: c.uid,
        role: c.role,
        tokenExpireSeconds: 900,
        privilegeExpireSeconds: 300,
        issueTs: 1_750_000_000,
        salt: 31_337,
      });
      expect(ours).toBe(official);
    }
  });

  it('gives publishers privileges 1–4 and subscribers only 1', () => {
    const base = { appId, appCertificate, channel: 'r', uid: 5, tokenExpireSeconds: 60, privilegeExpireSeconds: 30 };
    const publisher = parseAccessToken2(buildRtcToken({ ...base, role: 'publisher' }));
    const subscriber = parseAccessToken2(buildRtcToken({ ...base, role: 'subscriber' }));
    expect(publisher.services[0]?.privileges).toEqual({ 1: 30, 2: 30, 3: 30, 4: 30 });
    expect(subscriber.services[0]?.privileges).toEqual({ 1: 30 });
  });

  it('encodes uid 0 as "" (any uid) and keeps accounts verbatim, even all-digit or "0"', () => {
    const uidOf = (uid: number | string): unknown =>
      parseAccessToken2(
        buildRtcToken({ appId, appCertificate, channel: 'r', uid, role: 'subscriber', tokenExpireSeconds: 60 }),
      ).services[0];
    expect(uidOf(0)).toMatchObject({ uid: '' });
    expect(uidOf(4294967295)).toMatchObject({ uid: '4294967295' });
    expect(uidOf('0')).toMatchObject({ uid: '0' });
    expect(uidOf('alice@example')).toMatchObject({ uid: 'alice@example' });
  });

  it('produces tokens that agora-token parses and verifies', () => {
    const id = hex32();
    const cert = hex32();
    const token = buildRtcToken({
      appId: id,
      appCertificate: cert,
      channel: 'room',
      uid: 99,
      role: 'publisher',
      tokenExpireSeconds: 600,
    });
    const official = officialParse(token);
    expect(official?.verifySignature(cert)).toBe(true);
    expect(official?.appId.toString()).toBe(id);
    expect(official?.services[0]?.__channel_name?.toString()).toBe('room');
    expect(official?.services[0]?.__uid?.toString()).toBe('99');
  });

  it('returns "" for an App ID or certificate that is not 32 lowercase hex characters', () => {
    const base = { channel: 'r', uid: 1, role: 'publisher' as const, tokenExpireSeconds: 60 };
    expect(buildRtcToken({ ...base, appId: '', appCertificate })).toBe('');
    expect(buildRtcToken({ ...base, appId, appCertificate: 'g'.repeat(32) })).toBe('');
    expect(buildRtcToken({ ...base, appId: vectorFile.reference.appId, appCertificate })).toBe('');
  });
});

describe('isAgoraId', () => {
  it('accepts exactly 32 lowercase hex characters', () => {
    expect(isAgoraId(hex32())).toBe(true);
    expect(isAgoraId(hex32().toUpperCase())).toBe(false);
    expect(isAgoraId(hex32().slice(1))).toBe(false);
    expect(isAgoraId(hex32() + '0')).toBe(false);
    expect(isAgoraId(undefined)).toBe(false);
  });
});
