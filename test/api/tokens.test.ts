/**
 * Access tokens against the REST API: minting them, and reading a channel with tokens from our
 * endpoint and from Agora's official builders (AccessToken2 and legacy 006), on both backends.
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLegacy006Token, buildRtcToken, verifyToken } from '@parley/token';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import type { CreatedProject } from '@parley/server';

const require = createRequire(import.meta.url);
const agoraToken = require('agora-token') as typeof import('agora-token');
const agoraAccessToken = require('agora-access-token') as any;

describe.each(BACKENDS)('tokens on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  let base: string;
  const channelUrl = (channel: string) => `${base}/channels/${encodeURIComponent(channel)}`;

  beforeAll(async () => {
    t = await startTestServer(backend);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    base = `/v1/projects/${project.appId}`;
    for (const channel of ['room-a', 'room-b']) await call(t.url, 'POST', `${base}/rtc/channels`, { auth, body: { channel } });
  });
  afterAll(() => t.stop());

  const bearer = (token: string) => `Bearer ${token}`;

  describe('POST /tokens', () => {
    it('mints an AccessToken2 that the server and Agora\'s verifier both accept', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await call(t.url, 'POST', `${base}/tokens`, { auth, body: { channel: 'room-a', uid: 42, role: 'publisher', expireSeconds: 600 } });
      expect(res.status).toBe(200);
      const { token, expiresAt } = res.body.data;
      expect(token).toMatch(/^007/);
      expect(Date.parse(expiresAt) / 1000).toBeGreaterThanOrEqual(before + 600);
      const check = await verifyToken(token, { lookupCertificate: () => project.appCertificate });
      expect(check.ok && check.claims.rtc[0]).toMatchObject({ channel: 'room-a', uid: '42' });
      expect(check.ok && Object.keys(check.claims.rtc[0]!.privileges).sort()).toEqual(['joinChannel', 'publishAudio', 'publishData', 'publishVideo']);
    });

    it('gives a subscriber only the join privilege and defaults the lifetime to an hour', async () => {
      const res = await call(t.url, 'POST', `${base}/tokens`, { auth, body: { channel: 'room-a', uid: 'viewer', role: 'subscriber' } });
      const check = await verifyToken(res.body.data.token, { lookupCertificate: () => project.appCertificate });
      expect(check.ok && check.claims.rtc[0]!.privileges).toEqual({ joinChannel: expect.any(Number) });
      expect(Date.parse(res.body.data.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    });

    it.each([
      ['no role', { channel: 'room-a', uid: 1 }, 'role'],
      ['an unknown role', { channel: 'room-a', uid: 1, role: 'admin' }, 'role'],
      ['no uid', { channel: 'room-a', role: 'publisher' }, 'uid'],
      ['expireSeconds 0', { channel: 'room-a', uid: 1, role: 'publisher', expireSeconds: 0 }, 'expireSeconds'],
      ['expireSeconds over a day', { channel: 'room-a', uid: 1, role: 'publisher', expireSeconds: 86401 }, 'expireSeconds'],
      ['a uid over 2^32-1', { channel: 'room-a', uid: 2 ** 32, role: 'publisher' }, 'uid'],
      ['a bad channel', { channel: 'a/b', uid: 1, role: 'publisher' }, 'channel'],
    ])('rejects %s', async (_label, body, field) => {
      const res = await call(t.url, 'POST', `${base}/tokens`, { auth, body });
      expect(res.status).toBe(400);
      expect(res.body.details.field).toBe(field);
    });

    it('is not available to token holders: a token cannot mint tokens', async () => {
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room-a', uid: 1, role: 'publisher', tokenExpireSeconds: 600 });
      const res = await call(t.url, 'POST', `${base}/tokens`, { auth: bearer(token), body: { channel: 'room-a', uid: 1, role: 'publisher' } });
      expect(res.status).toBe(403);
    });
  });

  describe('reading a channel with a Bearer token', () => {
    it('works with a token from our endpoint', async () => {
      const minted = await call(t.url, 'POST', `${base}/tokens`, { auth, body: { channel: 'room-a', uid: 7, role: 'subscriber' } });
      const res = await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(minted.body.data.token) });
      expect(res.status).toBe(200);
      expect(res.body.data.channel).toBe('room-a');
      expect(res.headers.get('x-ratelimit-limit')).toBe('1000');
    });

    it('works with tokens from agora-token 2.0.6: uid, user account and uid+RTM builders', async () => {
      const { RtcTokenBuilder, RtcRole } = agoraToken;
      const tokens = [
        RtcTokenBuilder.buildTokenWithUid(project.appId, project.appCertificate, 'room-a', 1234, RtcRole.PUBLISHER, 600, 600),
        RtcTokenBuilder.buildTokenWithUserAccount(project.appId, project.appCertificate, 'room-a', 'alice', RtcRole.SUBSCRIBER, 600, 0),
        RtcTokenBuilder.buildTokenWithRtm(project.appId, project.appCertificate, 'room-a', 'bob', RtcRole.PUBLISHER, 600, 600),
      ];
      for (const token of tokens) {
        expect(token).toMatch(/^007/);
        const res = await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(token) });
        expect(res.status, token).toBe(200);
      }
    });

    it('accepts Agora\'s "agora token=" header, quoted or not', async () => {
      const token = agoraToken.RtcTokenBuilder.buildTokenWithUid(project.appId, project.appCertificate, 'room-a', 0, agoraToken.RtcRole.SUBSCRIBER, 600, 0);
      for (const header of [`agora token=${token}`, `agora token="${token}"`]) {
        expect((await call(t.url, 'GET', channelUrl('room-a'), { auth: header })).status).toBe(200);
      }
    });

    it('works with legacy 006 tokens from agora-access-token 2.0.4 (uid 0, or the uid in X-Agora-Uid)', async () => {
      const { RtcTokenBuilder, RtcRole } = agoraAccessToken;
      const expiry = Math.floor(Date.now() / 1000) + 600;
      const wildcard = RtcTokenBuilder.buildTokenWithUid(project.appId, project.appCertificate, 'room-a', 0, RtcRole.SUBSCRIBER, expiry);
      expect(wildcard).toMatch(/^006/);
      expect((await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(wildcard) })).status).toBe(200);

      const forUid = RtcTokenBuilder.buildTokenWithUid(project.appId, project.appCertificate, 'room-a', 99, RtcRole.PUBLISHER, expiry);
      expect((await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(forUid), headers: { 'x-agora-uid': '99' } })).status).toBe(200);
      const withoutUid = await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(forUid) });
      expect(withoutUid.status).toBe(401);
    });

    it('refuses a legacy 006 token that expires beyond PARLEY_TOKEN_MAX_LIFETIME_SECONDS (here: in 2096)', async () => {
      const ts = Date.UTC(2096, 0, 1) / 1000;
      const token = buildLegacy006Token({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room-a', uid: 0, ts, privileges: { 1: 0 } });
      const res = await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.body.details.reason).toMatch(/86400/);
    });

    it('is forbidden for another channel, for writes, for listing and for another project', async () => {
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room-a', uid: 5, role: 'publisher', tokenExpireSeconds: 600 });
      const other = await call(t.url, 'GET', channelUrl('room-b'), { auth: bearer(token) });
      expect(other.status).toBe(403);
      expect(other.body).toMatchObject({ code: 403, message: 'Forbidden' });
      expect(other.body.details.reason).toMatch(/does not grant access to this channel/);

      expect((await call(t.url, 'POST', `${base}/rtc/channels`, { auth: bearer(token), body: { channel: 'room-a' } })).status).toBe(403);
      expect((await call(t.url, 'DELETE', channelUrl('room-a'), { auth: bearer(token) })).status).toBe(403);
      expect((await call(t.url, 'GET', `${base}/channels`, { auth: bearer(token) })).status).toBe(403);

      const elsewhere = await t.createProject();
      const foreign = buildRtcToken({ appId: elsewhere.appId, appCertificate: elsewhere.appCertificate, channel: 'room-a', uid: 5, role: 'publisher', tokenExpireSeconds: 600 });
      expect((await call(t.url, 'GET', channelUrl('room-a'), { auth: bearer(foreign) })).status).toBe(403);
    });

    it.each([
      ['garbage', () => 'not-a-token', /neither 007 nor 006/],
      ['a 007 prefix on random base64', () => '007' + Buffer.from('hello world').toString('base64'), /./],
      ['a token signed with another certificate', () => buildRtcToken({ appId: project.appId, appCertificate: 'f'.repeat(32), channel: 'room-a', uid: 1, role: 'publisher', tokenExpireSeconds: 600 }), /signature/i],
      ['an expired token', () => buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room-a', uid: 1, role: 'publisher', tokenExpireSeconds: 60, issueTs: Math.floor(Date.now() / 1000) - 120 }), /expired/i],
      ['a token for an unknown App ID', () => buildRtcToken({ appId: 'e'.repeat(32), appCertificate: project.appCertificate, channel: 'room-a', uid: 1, role: 'publisher', tokenExpireSeconds: 600 }), /./],
      ['an empty Bearer', () => '', /empty/i],
    ])('answers 401 with the reason for %s', async (_label, makeToken, reason) => {
      const res = await call(t.url, 'GET', channelUrl('room-a'), { auth: `Bearer ${makeToken()}` });
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(401);
      expect(res.body.details.reason).toMatch(reason);
    });
  });
});
