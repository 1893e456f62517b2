// The 007 format against agora-token: vectors, reference tokens, every service layout.
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { describe, it, expect } from 'vitest';
import {
  accessToken2SignatureValid,
  buildAccessToken2,
  computeSignature,
  deriveSigningKey,
  inflateAccessToken2,
  parseAccessToken2,
} from './accessToken2.ts';
import type { Service } from './accessToken2.ts';
import { ByteWriter, TokenFormatError } from './codec.ts';
import { numericKeys, vectorFile } from './fixtures/vectors.ts';
import { officialParse } from './fixtures/officialImplementations.ts';

const { appId, appCertificate } = vectorFile;
const hex32 = (): string => randomBytes(16).toString('hex');

/** Signs and packs arbitrary signingInfo bytes, for shapes no builder produces. */
function packRaw(signingInfo: Buffer, cert: string, issueTs: number, salt: number): string {
  const signature = computeSignature(cert, issueTs, salt, signingInfo);
  const content = Buffer.concat([new ByteWriter().bytes(signature).toBuffer(), signingInfo]);
  return '007' + deflateSync(content).toString('base64');
}

function header(id: string, issueTs: number, expire: number, salt: number, count: number): ByteWriter {
  return new ByteWriter().string(id).u32(issueTs).u32(expire).u32(salt).u16(count);
}

describe('AccessToken2 against the agora-token@2.0.6 vectors', () => {
  for (const vector of vectorFile.vectors) {
    describe(vector.id, () => {
      it('parses to the expected header and services', () => {
        const parsed = parseAccessToken2(vector.token);
        expect(parsed.appId).toBe(vector.expected.appId);
        expect(parsed.issueTs).toBe(vector.expected.issueTs);
        expect(parsed.expire).toBe(vector.expected.expire);
        expect(parsed.salt).toBe(vector.expected.salt);
        expect(parsed.services).toEqual(vector.expected.services);
        expect(parsed.unknownServiceType).toBeUndefined();
        expect(parsed.trailingBytes).toBe(0);
      });

      it('inflates to the expected bytes, signature, signingInfo and signing key', () => {
        const parsed = parseAccessToken2(vector.token);
        expect(inflateAccessToken2(vector.token).toString('hex')).toBe(vector.inflatedHex);
        expect(parsed.signature.toString('hex')).toBe(vector.signatureHex);
        expect(parsed.signingInfo.toString('hex')).toBe(vector.signingInfoHex);
        expect(deriveSigningKey(appCertificate, vector.issueTs, vector.salt).toString('hex')).toBe(
          vector.signingKeyHex,
        );
        expect(accessToken2SignatureValid(parsed, appCertificate)).toBe(true);
      });

      it('is reproduced byte for byte by our builder given its issueTs and salt', () => {
        const services = vector.expected.services.map(
          (service) => ({ ...service, privileges: numericKeys(service.privileges) }) as Service,
        );
        const token = buildAccessToken2({
          appId,
          appCertificate,
          expire: vector.tokenExpire,
          issueTs: vector.issueTs,
          salt: vector.salt,
          services,
        });
        expect(token).toBe(vector.token);
      });
    });
  }
});

describe('AccessToken2 reference tokens compressed by Node and by Go', () => {
  const ref = vectorFile.reference;

  it('parses both to the same logical token despite different compressed bytes', () => {
    expect(ref.tokenNode).not.toBe(ref.tokenGo);
    const node = parseAccessToken2(ref.tokenNode);
    const go = parseAccessToken2(ref.tokenGo);
    expect(go.signingInfo.equals(node.signingInfo)).toBe(true);
    expect(node).toMatchObject({ appId: ref.appId, issueTs: ref.issueTs, expire: ref.expire, salt: ref.salt });
    expect(node.services).toEqual([
      { type: 1, privileges: numericKeys(ref.privileges), channelName: ref.channelName, uid: String(ref.uid) },
    ]);
  });

  it('checks both signatures with the reference certificate', () => {
    expect(accessToken2SignatureValid(parseAccessToken2(ref.tokenNode), ref.appCertificate)).toBe(true);
    expect(accessToken2SignatureValid(parseAccessToken2(ref.tokenGo), ref.appCertificate)).toBe(true);
    expect(accessToken2SignatureValid(parseAccessToken2(ref.tokenGo), appCertificate)).toBe(false);
  });
});

describe('AccessToken2 service layouts', () => {
  const everyType: Service[] = [
    { type: 10, privileges: {} },
    { type: 9, privileges: {} },
    {
      type: 8,
      privileges: { 1: 600 },
      userId: 'rtm2-user',
      resources: [
        { resourceType: 0, permissions: [{ permissionType: 0, resources: ['lobby', 'news'] }] },
        { resourceType: 4, permissions: [{ permissionType: 1, resources: [] }] },
      ],
    },
    { type: 7, privileges: { 1: 600 }, roomUuid: 'room', userUuid: 'user', role: -1 },
    { type: 6, privileges: { 1: 600, 2: 600 }, channelName: 'cdn', account: 'acct' },
    { type: 5, privileges: { 1: 600 }, userId: 'chat-user' },
    { type: 4, privileges: { 1: 600 } },
    { type: 3, privileges: { 1: 600, 2: 600 }, channelName: 'stream', account: '7' },
    { type: 2, privileges: { 1: 600 }, userId: 'rtm-user' },
    { type: 1, privileges: { 1: 600 }, channelName: 'room', uid: '42' },
  ];

  it('round-trips every service type 1–10, packed in type order', () => {
    const id = hex32();
    const cert = hex32();
    const token = buildAccessToken2({ appId: id, appCertificate: cert, expire: 600, services: everyType });
    const parsed = parseAccessToken2(token);
    expect(parsed.services).toEqual([...everyType].reverse());
    expect(parsed.serviceCount).toBe(10);
    expect(accessToken2SignatureValid(parsed, cert)).toBe(true);
  });

  it('produces tokens that agora-token parses and verifies, for every service type', () => {
    const id = hex32();
    const cert = hex32();
    const token = buildAccessToken2({ appId: id, appCertificate: cert, expire: 600, services: everyType });
    const official = officialParse(token);
    expect(official).toBeDefined();
    expect(official?.services.map((service) => service.service_type())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(official?.verifySignature(cert)).toBe(true);
    expect(official?.verifySignature(hex32())).toBe(false);
  });

  it('keeps services of the same type in insertion order', () => {
    const services: Service[] = [
      { type: 2, privileges: { 1: 1 }, userId: 'b' },
      { type: 1, privileges: { 1: 0 }, channelName: 'second', uid: '' },
      { type: 1, privileges: { 1: 0 }, channelName: 'first', uid: '' },
    ];
    const token = buildAccessToken2({ appId, appCertificate, expire: 60, services });
    const channels = parseAccessToken2(token).services.map((service) =>
      'channelName' in service ? service.channelName : '-',
    );
    expect(channels).toEqual(['second', 'first', '-']);
  });

  it('stops at an unknown service type and keeps the signed bytes intact', () => {
    const signingInfo = Buffer.concat([
      header(appId, 1_700_000_000, 600, 5, 3).toBuffer(),
      new ByteWriter().u16(1).privileges({ 1: 0 }).string('room').string('').toBuffer(),
      new ByteWriter().u16(42).toBuffer(),
      Buffer.from('opaque future layout'),
    ]);
    const parsed = parseAccessToken2(packRaw(signingInfo, appCertificate, 1_700_000_000, 5));
    expect(parsed.services).toHaveLength(1);
    expect(parsed.serviceCount).toBe(3);
    expect(parsed.unknownServiceType).toBe(42);
    expect(parsed.signingInfo.equals(signingInfo)).toBe(true);
    expect(accessToken2SignatureValid(parsed, appCertificate)).toBe(true);
  });

  it('reports signed bytes left after the last service', () => {
    const signingInfo = Buffer.concat([
      header(appId, 1_700_000_000, 600, 5, 1).toBuffer(),
      new ByteWriter().u16(4).privileges({ 1: 0 }).toBuffer(),
      Buffer.from([1, 2, 3]),
    ]);
    const parsed = parseAccessToken2(packRaw(signingInfo, appCertificate, 1_700_000_000, 5));
    expect(parsed.trailingBytes).toBe(3);
    expect(accessToken2SignatureValid(parsed, appCertificate)).toBe(true);
  });

  it('throws TokenFormatError when a service is cut short', () => {
    const signingInfo = Buffer.concat([
      header(appId, 1_700_000_000, 600, 5, 1).toBuffer(),
      new ByteWriter().u16(1).privileges({ 1: 0 }).toBuffer(),
      Buffer.from([9, 0, 0x61]),
    ]);
    expect(() => parseAccessToken2(packRaw(signingInfo, appCertificate, 1_700_000_000, 5))).toThrow(TokenFormatError);
  });
});

describe('buildAccessToken2 input checks', () => {
  const rtc: Service = { type: 1, privileges: { 1: 0 }, channelName: 'c', uid: '' };

  it('returns "" without services, as agora-token does', () => {
    expect(buildAccessToken2({ appId, appCertificate, expire: 60, services: [] })).toBe('');
  });

  it('returns "" for an App ID or certificate that is not 32 lowercase hex characters', () => {
    expect(buildAccessToken2({ appId: 'x', appCertificate, expire: 60, services: [rtc] })).toBe('');
    expect(buildAccessToken2({ appId, appCertificate: appCertificate.slice(1), expire: 60, services: [rtc] })).toBe('');
    expect(buildAccessToken2({ appId: appId.toUpperCase(), appCertificate, expire: 60, services: [rtc] })).toBe('');
  });

  it('defaults issueTs to now and salt to 1..99999999', () => {
    const before = Math.floor(Date.now() / 1000);
    const parsed = parseAccessToken2(buildAccessToken2({ appId, appCertificate, expire: 60, services: [rtc] }));
    expect(parsed.issueTs).toBeGreaterThanOrEqual(before);
    expect(parsed.issueTs).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(parsed.salt).toBeGreaterThanOrEqual(1);
    expect(parsed.salt).toBeLessThanOrEqual(99_999_999);
  });
});
