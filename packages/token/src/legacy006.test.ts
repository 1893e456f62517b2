// The 006 format against agora-token / agora-access-token.
import { randomBytes } from 'node:crypto';
import { describe, it, expect } from 'vitest';
import { TokenFormatError } from './codec.ts';
import { officialAccessToken006 } from './fixtures/officialImplementations.ts';
import { vectorFile } from './fixtures/vectors.ts';
import { buildLegacy006Token, Legacy006Privilege, legacy006SignatureValid, parseLegacy006Token } from './legacy006.ts';

const hex32 = (): string => randomBytes(16).toString('hex');

describe('legacy 006 tokens', () => {
  const ref = vectorFile.reference;
  const legacy = ref.legacy006;

  it('parses the agora-token reference 006 token', () => {
    const parsed = parseLegacy006Token(legacy.token);
    expect(parsed).toMatchObject({ appId: ref.appId, salt: 1, ts: 1111111, privileges: { 1: 1446455471 } });
  });

  it('accepts the reference token only for its channel and uid', () => {
    const parsed = parseLegacy006Token(legacy.token);
    expect(legacy006SignatureValid(parsed, ref.appCertificate, legacy.channelName, String(legacy.uid))).toBe(true);
    expect(legacy006SignatureValid(parsed, ref.appCertificate, 'other-channel', String(legacy.uid))).toBe(false);
    expect(legacy006SignatureValid(parsed, ref.appCertificate, legacy.channelName, '1')).toBe(false);
    expect(legacy006SignatureValid(parsed, hex32(), legacy.channelName, String(legacy.uid))).toBe(false);
  });

  for (const uid of [2882341273, 0, 'alice@example']) {
    it(`builds the same bytes as agora-access-token for uid ${JSON.stringify(uid)}`, () => {
      const appId = hex32();
      const cert = hex32();
      const official = officialAccessToken006(appId, cert, 'room-006', uid);
      official.salt = 987654321;
      official.ts = 1_800_000_000;
      official.addPriviledge(Legacy006Privilege.joinChannel, 1_800_003_600);
      official.addPriviledge(Legacy006Privilege.publishAudioStream, 0);

      const ours = buildLegacy006Token({
        appId,
        appCertificate: cert,
        channel: 'room-006',
        uid,
        privileges: { [Legacy006Privilege.joinChannel]: 1_800_003_600, [Legacy006Privilege.publishAudioStream]: 0 },
        salt: 987654321,
        ts: 1_800_000_000,
      });
      expect(ours).toBe(official.build());
    });
  }

  it('defaults ts to 24 hours from now', () => {
    const parsed = parseLegacy006Token(
      buildLegacy006Token({ appId: hex32(), appCertificate: hex32(), channel: 'c', uid: 1, privileges: { 1: 0 } }),
    );
    expect(Math.abs(parsed.ts - (Math.floor(Date.now() / 1000) + 86_400))).toBeLessThanOrEqual(1);
  });

  it('rejects bytes appended after the signed message', () => {
    const token = buildLegacy006Token({
      appId: hex32(),
      appCertificate: hex32(),
      channel: 'c',
      uid: 1,
      privileges: { 1: 0 },
    });
    const body = Buffer.from(token.slice(35), 'base64');
    const tampered = token.slice(0, 35) + Buffer.concat([body, Buffer.from([0])]).toString('base64');
    expect(() => parseLegacy006Token(tampered)).toThrow(TokenFormatError);
  });

  it('rejects a 006 token whose App ID is not hex', () => {
    expect(() => parseLegacy006Token('006' + 'z'.repeat(32) + 'AAAA')).toThrow(TokenFormatError);
  });
});
