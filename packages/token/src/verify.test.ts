// verifyToken: official builders' tokens in, the right claims out; every kind of bad token rejected.
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, it, expect } from 'vitest';
import { computeSignature } from './accessToken2.ts';
import { rtcGrantFor } from './claims.ts';
import { ByteWriter } from './codec.ts';
import {
  RtcRole,
  RtcRole006,
  RtcTokenBuilder,
  RtcTokenBuilder006,
  RtmTokenBuilder,
} from './fixtures/officialImplementations.ts';
import { vectorFile } from './fixtures/vectors.ts';
import { buildLegacy006Token } from './legacy006.ts';
import { buildRtcToken } from './rtc.ts';
import type { BuildRtcTokenInput } from './rtc.ts';
import { verifyToken } from './verify.ts';
import type { VerifyFailureReason, VerifyResult } from './verify.ts';

const hex32 = (): string => randomBytes(16).toString('hex');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A fresh app whose certificate the lookup knows, like one project in the server. */
function freshApp() {
  const appId = hex32();
  const appCertificate = hex32();
  const lookupCertificate = (id: string): string | undefined => (id === appId ? appCertificate : undefined);
  return { appId, appCertificate, lookupCertificate };
}
type App = ReturnType<typeof freshApp>;

/** Our builder with defaults that tests override one field at a time. */
function rtcToken(app: App, overrides: Partial<BuildRtcTokenInput> = {}): string {
  return buildRtcToken({
    appId: app.appId,
    appCertificate: app.appCertificate,
    channel: 'room',
    uid: 1,
    role: 'publisher',
    tokenExpireSeconds: 600,
    ...overrides,
  });
}

/** Signs and packs hand-made signingInfo bytes, for shapes no builder produces. */
function packSigned(signingInfo: Buffer, cert: string, issueTs: number, salt: number): string {
  const signature = computeSignature(cert, issueTs, salt, signingInfo);
  const content = Buffer.concat([new ByteWriter().bytes(signature).toBuffer(), signingInfo]);
  return '007' + deflateSync(content).toString('base64');
}

function expectOk(result: VerifyResult) {
  if (!result.ok) throw new Error(`expected ok, got ${result.reason}: ${result.message}`);
  return result.claims;
}

function expectRejected(result: VerifyResult, reason: VerifyFailureReason): void {
  expect(result).toMatchObject({ ok: false, reason });
}

describe('verifyToken accepts tokens from the official builders', () => {
  it('verifies agora-token buildTokenWithUid (publisher) and grants join + publish on its channel', async () => {
    const app = freshApp();
    const { PUBLISHER } = RtcRole;
    const token = RtcTokenBuilder.buildTokenWithUid(app.appId, app.appCertificate, 'room-a', 1234, PUBLISHER, 3600, 0);
    const claims = expectOk(await verifyToken(token, app));
    expect(claims.version).toBe('007');
    expect(claims.appId).toBe(app.appId);
    const at = claims.expiresAt;
    expect(claims.rtc).toEqual([
      {
        channel: 'room-a',
        uid: '1234',
        privileges: { joinChannel: at, publishAudio: at, publishVideo: at, publishData: at },
      },
    ]);
    expect(claims.expiresAt).toBe((claims.issueTs ?? 0) + 3600);
    expect(rtcGrantFor(claims, 'room-a', 1234)).toBeDefined();
  });

  it('verifies agora-token buildTokenWithUserAccount (subscriber) with join only', async () => {
    const app = freshApp();
    const token = RtcTokenBuilder.buildTokenWithUserAccount(
      app.appId,
      app.appCertificate,
      'room-b',
      'dana@example',
      RtcRole.SUBSCRIBER,
      600,
      300,
    );
    const claims = expectOk(await verifyToken(token, app));
    expect(claims.rtc).toEqual([
      { channel: 'room-b', uid: 'dana@example', privileges: { joinChannel: (claims.issueTs ?? 0) + 300 } },
    ]);
    expect(claims.rtm).toBeUndefined();
  });

  it('verifies agora-token buildTokenWithRtm and exposes the RTM login grant', async () => {
    const app = freshApp();
    const { PUBLISHER } = RtcRole;
    const { appId, appCertificate } = app;
    const token = RtcTokenBuilder.buildTokenWithRtm(appId, appCertificate, 'room-c', 'erin', PUBLISHER, 1200, 0);
    const claims = expectOk(await verifyToken(token, app));
    expect(claims.rtc[0]).toMatchObject({ channel: 'room-c', uid: 'erin' });
    expect(claims.rtm).toEqual({ userId: 'erin', loginExpiresAt: claims.expiresAt });
  });

  it('verifies agora-token RtmTokenBuilder.buildToken as an RTM-only token', async () => {
    const app = freshApp();
    const token = RtmTokenBuilder.buildToken(app.appId, app.appCertificate, 'frank', 900);
    const claims = expectOk(await verifyToken(token, app));
    expect(claims.rtc).toEqual([]);
    expect(claims.rtm).toEqual({ userId: 'frank', loginExpiresAt: claims.expiresAt });
  });

  it('verifies agora-access-token 006 tokens when told the channel and uid', async () => {
    const app = freshApp();
    const ts = nowSeconds() + 3600;
    const { PUBLISHER } = RtcRole006;
    const token = RtcTokenBuilder006.buildTokenWithUid(app.appId, app.appCertificate, 'legacy', 77, PUBLISHER, ts);
    const claims = expectOk(await verifyToken(token, { ...app, channel: 'legacy', uid: 77 }));
    expect(claims.version).toBe('006');
    expect(claims.issueTs).toBeUndefined();
    expect(claims.rtc).toEqual([
      {
        channel: 'legacy',
        uid: '77',
        privileges: { joinChannel: ts, publishAudio: ts, publishVideo: ts, publishData: ts },
      },
    ]);
    expect(rtcGrantFor(claims, 'legacy', 77)).toBeDefined();
  });

  it('verifies a 006 subscriber account token without publish privileges', async () => {
    const app = freshApp();
    const { SUBSCRIBER } = RtcRole006;
    const { appId, appCertificate } = app;
    const token = RtcTokenBuilder006.buildTokenWithAccount(appId, appCertificate, 'legacy', 'gail', SUBSCRIBER, 0);
    const claims = expectOk(await verifyToken(token, { ...app, channel: 'legacy', uid: 'gail' }));
    expect(claims.rtc[0]?.privileges).toEqual({ joinChannel: claims.expiresAt });
  });

  it('accepts a wildcard 006 token (uid 0) for any uid', async () => {
    const app = freshApp();
    const { PUBLISHER } = RtcRole006;
    const token = RtcTokenBuilder006.buildTokenWithUid(app.appId, app.appCertificate, 'legacy', 0, PUBLISHER, 0);
    const claims = expectOk(await verifyToken(token, { ...app, channel: 'legacy', uid: 31 }));
    expect(claims.rtc[0]?.uid).toBe('');
    expect(rtcGrantFor(claims, 'legacy', 31)).toBeDefined();
  });

  it('verifies the reference 006 token from agora-token tests', async () => {
    const ref = vectorFile.reference;
    const claims = expectOk(
      await verifyToken(ref.legacy006.token, {
        lookupCertificate: () => ref.appCertificate,
        now: 1_111_000,
        channel: ref.legacy006.channelName,
        uid: ref.legacy006.uid,
      }),
    );
    // The join privilege (2015) outlives the message ts (1970), so the message ts caps it.
    expect(claims).toMatchObject({ appId: ref.appId, expiresAt: 1_111_111 });
    expect(claims.rtc[0]?.privileges).toEqual({ joinChannel: 1_111_111 });
  });

  it('verifies the Node- and Go-compressed reference 007 tokens', async () => {
    const ref = vectorFile.reference;
    const options = { lookupCertificate: () => ref.appCertificate, now: ref.issueTs + 10 };
    for (const token of [ref.tokenNode, ref.tokenGo]) {
      const claims = expectOk(await verifyToken(token, options));
      expect(claims.rtc).toEqual([
        { channel: ref.channelName, uid: String(ref.uid), privileges: { joinChannel: ref.issueTs + 600 } },
      ]);
    }
  });

  it('verifies every vector and derives absolute privilege expiries', async () => {
    const allAt = (at: number) => ({ joinChannel: at, publishAudio: at, publishVideo: at, publishData: at });
    const expiries: Record<string, unknown> = {
      'rtc-uid-publisher': allAt(1_700_003_600),
      'rtc-account-subscriber': { joinChannel: 1_700_000_600 },
      'rtc-wildcard-plus-rtm': {
        joinChannel: 1_700_007_323,
        publishAudio: 1_700_003_723,
        publishVideo: 1_700_001_923,
        publishData: 1_700_001_023,
      },
    };
    for (const vector of vectorFile.vectors) {
      const options = { lookupCertificate: () => vectorFile.appCertificate, now: vector.issueTs + 1 };
      const claims = expectOk(await verifyToken(vector.token, options));
      expect(claims.rtc[0]?.privileges).toEqual(expiries[vector.id]);
    }
  });
});

describe('verifyToken rejects', () => {
  const app = freshApp();
  const issueTs = nowSeconds();
  const token = rtcToken(app, { issueTs });

  it('a token signed with another certificate as bad_signature', async () => {
    expectRejected(await verifyToken(token, { lookupCertificate: () => hex32() }), 'bad_signature');
  });

  it('any single flipped byte of the inflated content as bad_signature or malformed', async () => {
    const inflated = inflateSync(Buffer.from(token.slice(3), 'base64'));
    for (let i = 0; i < inflated.length; i++) {
      const tampered = Buffer.from(inflated);
      tampered[i] = (tampered[i] ?? 0) ^ 0x01;
      const result = await verifyToken('007' + deflateSync(tampered).toString('base64'), app);
      expect(result.ok, `byte ${i}`).toBe(false);
      // A flip inside the App ID makes the lookup miss before the signature is even computed.
      if (!result.ok) expect(['bad_signature', 'malformed', 'unknown_app']).toContain(result.reason);
    }
  });

  it('every single-character change of the token text unless it decodes to the same signed bytes', async () => {
    // Deflate has a few don't-care bits (padding after the last block), so a text change can in
    // principle leave the inflated content identical; such a token is the same token, not a forgery.
    const original = inflateSync(Buffer.from(token.slice(3), 'base64'));
    for (let i = 0; i < token.length; i++) {
      const changed = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
      const result = await verifyToken(changed, app);
      if (result.ok) {
        expect(inflateSync(Buffer.from(changed.slice(3), 'base64')).equals(original), `char ${i}`).toBe(true);
      }
    }
  });

  it('junk appended after the zlib stream as malformed', async () => {
    const body = Buffer.from(token.slice(3), 'base64');
    const padded = '007' + Buffer.concat([body, Buffer.from([0])]).toString('base64');
    expectRejected(await verifyToken(padded, app), 'malformed');
  });

  it('base64 with non-zero padding bits as malformed', async () => {
    // "QR==" decodes like "QQ==" in lenient decoders; only the canonical spelling is accepted.
    expect('007' + Buffer.from(token.slice(3), 'base64').toString('base64')).toBe(token);
    expectRejected(await verifyToken('007eJwDAAAAAAE=', app), 'malformed');
    expectRejected(await verifyToken('007QR==', app), 'malformed');
  });

  it('an expired token as expired', async () => {
    expectOk(await verifyToken(token, { ...app, now: issueTs + 599 }));
    expectRejected(await verifyToken(token, { ...app, now: issueTs + 600 }), 'expired');
  });

  it('a token issued 10 minutes in the future as not_yet_valid, but tolerates small clock skew', async () => {
    const future = rtcToken(app, { tokenExpireSeconds: 3600, issueTs: issueTs + 600 });
    expectRejected(await verifyToken(future, { ...app, now: issueTs }), 'not_yet_valid');
    const nearFuture = rtcToken(app, { tokenExpireSeconds: 3600, issueTs: issueTs + 240 });
    expectOk(await verifyToken(nearFuture, { ...app, now: issueTs }));
    expectRejected(await verifyToken(nearFuture, { ...app, now: issueTs, maxClockSkewSeconds: 60 }), 'not_yet_valid');
  });

  it('a token of an unknown App ID as unknown_app', async () => {
    expectRejected(await verifyToken(token, freshApp()), 'unknown_app');
    expectRejected(await verifyToken(token, { lookupCertificate: async () => null }), 'unknown_app');
    expectRejected(await verifyToken(token, { lookupCertificate: () => [] }), 'unknown_app');
  });

  it('garbage, empty, truncated and oversized input as malformed without throwing', async () => {
    const vectorToken = vectorFile.vectors[0]?.token ?? '';
    const garbage: unknown[] = [
      '',
      '007',
      '006',
      '005abc',
      'hello',
      '007' + randomBytes(60).toString('base64'),
      '007' + randomBytes(61).toString('base64').replace(/=+$/, ''),
      // URL-safe alphabet (the vector token is known to contain both '+' and '/').
      '007' + vectorToken.slice(3).replaceAll('+', '-').replaceAll('/', '_'),
      token.slice(0, 40),
      '007' + 'A'.repeat(5000),
      '006' + app.appId + randomBytes(40).toString('base64'),
      '006' + app.appId,
      '007\u0000\u0001',
      null,
      undefined,
      12345,
    ];
    for (const input of garbage) {
      const result = await verifyToken(input as string, app);
      expect(result, JSON.stringify(input)).toMatchObject({ ok: false, reason: 'malformed' });
    }
  });

  it('a zip bomb as malformed', async () => {
    const bomb = '007' + deflateSync(Buffer.alloc(1_000_000)).toString('base64');
    expect(bomb.length).toBeLessThan(4096);
    expectRejected(await verifyToken(bomb, app), 'malformed');
  });

  it('a 006 token presented without channel and uid, or for another channel or uid', async () => {
    const legacy = buildLegacy006Token({ ...app, channel: 'legacy', uid: 5, privileges: { 1: 0 } });
    expectRejected(await verifyToken(legacy, app), 'bad_signature');
    expectRejected(await verifyToken(legacy, { ...app, channel: 'other', uid: 5 }), 'bad_signature');
    expectRejected(await verifyToken(legacy, { ...app, channel: 'legacy', uid: 6 }), 'bad_signature');
    expectOk(await verifyToken(legacy, { ...app, channel: 'legacy', uid: 5 }));
  });

  it('an expired 006 token as expired', async () => {
    const legacy = buildLegacy006Token({ ...app, channel: 'legacy', uid: 5, privileges: { 1: 0 }, ts: issueTs + 10 });
    const options = { ...app, channel: 'legacy', uid: 5 };
    expectOk(await verifyToken(legacy, { ...options, now: issueTs + 9 }));
    expectRejected(await verifyToken(legacy, { ...options, now: issueTs + 10 }), 'expired');
  });
});

describe('verifyToken lifetime cap', () => {
  it('caps an expire of absolute-timestamp size to 24 hours', async () => {
    const app = freshApp();
    const issueTs = nowSeconds();
    // A customer passing an absolute timestamp to a 2.x builder gets expire ≈ 1.7e9 seconds.
    const token = rtcToken(app, { tokenExpireSeconds: issueTs + 3600, issueTs });
    const claims = expectOk(await verifyToken(token, { ...app, now: issueTs }));
    expect(claims.expiresAt).toBe(issueTs + 86_400);
    expect(claims.rtc[0]?.privileges.joinChannel).toBe(issueTs + 86_400);
    expectRejected(await verifyToken(token, { ...app, now: issueTs + 86_400 }), 'expired');
  });

  it('honours a configured cap', async () => {
    const app = freshApp();
    const issueTs = nowSeconds();
    const token = rtcToken(app, { tokenExpireSeconds: 7200, issueTs });
    expectRejected(await verifyToken(token, { ...app, now: issueTs + 3600, maxLifetimeSeconds: 3600 }), 'expired');
  });

  it('refuses a 006 token that expires further away than the cap allows (006 carries no issue time to cap from)', async () => {
    const app = freshApp();
    const now = nowSeconds();
    const in2096 = Date.UTC(2096, 0, 1) / 1000;
    const longLived = buildLegacy006Token({ appId: app.appId, appCertificate: app.appCertificate, channel: 'legacy', uid: 0, ts: in2096, privileges: { 1: 0 } });
    expectRejected(await verifyToken(longLived, { ...app, now, channel: 'legacy', uid: 0 }), 'lifetime_exceeded');
    const hourly = buildLegacy006Token({ appId: app.appId, appCertificate: app.appCertificate, channel: 'legacy', uid: 0, ts: now + 7200, privileges: { 1: 0 } });
    expectRejected(await verifyToken(hourly, { ...app, now, channel: 'legacy', uid: 0, maxLifetimeSeconds: 3600 }), 'lifetime_exceeded');
  });

  it('accepts a 006 token from the official builder (24 hours) under the default cap, with clock skew', async () => {
    const app = freshApp();
    const { PUBLISHER } = RtcRole006;
    const token = RtcTokenBuilder006.buildTokenWithUid(app.appId, app.appCertificate, 'legacy', 0, PUBLISHER, 0);
    // The builder stamps its message "now + 24 h"; a server clock 2 minutes behind still accepts it.
    expectOk(await verifyToken(token, { ...app, now: nowSeconds() - 120, channel: 'legacy', uid: 0 }));
  });

  it('refuses time options that would make tokens immortal', async () => {
    const app = freshApp();
    const token = rtcToken(app);
    await expect(verifyToken(token, { ...app, maxLifetimeSeconds: Number.NaN })).rejects.toThrow(RangeError);
    await expect(verifyToken(token, { ...app, now: Number.NaN })).rejects.toThrow(RangeError);
  });
});

describe('verifyToken transport and key handling', () => {
  it('accepts a token whose "+" characters became spaces in URL decoding', async () => {
    const app = freshApp();
    let token = '';
    for (let salt = 1; !token.includes('+'); salt++) token = rtcToken(app, { salt });
    expectOk(await verifyToken(token.replaceAll('+', ' '), app));
  });

  it('accepts any of several certificates (primary and secondary) from an async lookup', async () => {
    const app = freshApp();
    const lookupCertificate = async (): Promise<string[]> => [hex32(), app.appCertificate];
    expectOk(await verifyToken(rtcToken(app), { lookupCertificate }));
  });

  it('accepts a token carrying a service type it does not know, as Agora parsers do', async () => {
    const app = freshApp();
    const issueTs = nowSeconds();
    const signingInfo = Buffer.concat([
      new ByteWriter().string(app.appId).u32(issueTs).u32(600).u32(9).u16(2).toBuffer(),
      new ByteWriter().u16(1).privileges({ 1: 0 }).string('r').string('').toBuffer(),
      new ByteWriter().u16(77).u16(0).toBuffer(),
    ]);
    const claims = expectOk(await verifyToken(packSigned(signingInfo, app.appCertificate, issueTs, 9), app));
    expect(claims.rtc).toHaveLength(1);
  });

  it('does not consult the lookup for an App ID that is not 32 hex characters', async () => {
    const appCertificate = hex32();
    const issueTs = nowSeconds();
    const signingInfo = new ByteWriter().string('not-an-app-id').u32(issueTs).u32(60).u32(1).u16(0).toBuffer();
    let calls = 0;
    const lookupCertificate = (): string => {
      calls++;
      return appCertificate;
    };
    const result = await verifyToken(packSigned(signingInfo, appCertificate, issueTs, 1), { lookupCertificate });
    expectRejected(result, 'malformed');
    expect(calls).toBe(0);
  });

  it('lets a failing certificate lookup reject instead of reporting the token as invalid', async () => {
    const app = freshApp();
    const lookupCertificate = async (): Promise<string> => Promise.reject(new Error('database down'));
    await expect(verifyToken(rtcToken(app), { lookupCertificate })).rejects.toThrow('database down');
  });
});
