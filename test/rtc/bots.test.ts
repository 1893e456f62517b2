/**
 * Real calls between native WebRTC peers (@roamhq/wrtc) through Parley's SFU: media flows,
 * REST reflects who is in the channel, and join rules hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { startCallFixture, type CallFixture, type TokenRole } from '../support/callFixture.ts';
import { call, type TestServer } from '../support/server.ts';
import { BotClient } from '../support/wrtcClient.ts';
import type { CreatedProject } from '@parley/server';

describe('calls between native peers', () => {
  let f: CallFixture;
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  const token = (channel: string, uid: number | string, role: TokenRole = 'publisher') => f.token(channel, uid, { role });
  const joinBot = (channel: string, uid: number | string, role: TokenRole = 'publisher') => f.joinBot(channel, uid, { role });

  beforeAll(async () => {
    f = await startCallFixture();
    ({ t, project, auth } = f);
  });
  afterAll(() => f.close());

  it('forwards video and audio both ways between two publishers and REST lists both', async () => {
    const alice = await joinBot('room-1', 1001);
    const bob = await joinBot('room-1', 1002);
    expect(bob.users.map((u) => u.uid)).toEqual([1001]);
    await alice.waitFor('user-joined', (m) => m.user.uid === 1002);

    await alice.publish();
    await bob.publish();
    await bob.waitFor('user-published', (m) => m.uid === 1001 && m.kind === 'video');
    await alice.waitFor('user-published', (m) => m.uid === 1002 && m.kind === 'video');
    for (const [me, other] of [[alice, 1002], [bob, 1001]] as const) {
      await me.subscribe(other, 'video');
      await me.subscribe(other, 'audio');
    }
    await Promise.all([alice.waitForFrames(1002, 30), bob.waitForFrames(1001, 30)]);
    expect(alice.audioChunksReceived.get('1002') ?? 0).toBeGreaterThan(0);
    expect(bob.audioChunksReceived.get('1001') ?? 0).toBeGreaterThan(0);

    const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/room-1`, { auth });
    expect(res.status).toBe(200);
    expect(res.body.data.persistent).toBe(false);
    expect(res.body.data.participantCount).toBe(2);
    const byUid = Object.fromEntries(res.body.data.participants.map((p: any) => [p.uid, p]));
    expect(byUid[1001]).toMatchObject({ role: 'host', publishingAudio: true, publishingVideo: true, platform: 'bot' });
    expect(byUid[1002]).toMatchObject({ role: 'host', publishingAudio: true, publishingVideo: true });

    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/parley_rtc_forwarded_streams\{kind="video"\} 2/);
    expect(metrics).toMatch(/parley_rtc_published_tracks\{kind="audio"\} 2/);

    const list = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth });
    expect(list.body.data.channels).toContainEqual(expect.objectContaining({ channel: 'room-1', participantCount: 2, persistent: false }));

    await bob.leave();
    await alice.waitFor('user-left', (m) => m.uid === 1002 && m.reason === 1);
    const after = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/room-1`, { auth });
    expect(after.body.data.participants.map((p: any) => p.uid)).toEqual([1001]);

    await alice.leave();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/room-1`, { auth })).status).toBe(404);

    // The call is on record: two closed sessions that left normally, and their minutes in usage.
    const sessions = (await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions?channel=room-1`, { auth })).body.data.sessions;
    expect(sessions.map((s: any) => [s.uid, s.leaveReason, s.platform])).toEqual(expect.arrayContaining([[1001, 1, 'bot'], [1002, 1, 'bot']]));
    for (const session of sessions) expect(session.durationSeconds).toBeGreaterThan(0);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const usage = (await call(t.url, 'GET', `/v1/projects/${project.appId}/usage?from=${from}&to=${to}&granularity=hour&channel=room-1`, { auth })).body.data;
    expect(usage.totals.sessions).toBe(2);
    expect(usage.totals.peakConcurrentUsers).toBe(2);
    expect(usage.totals.participantMinutes).toBeGreaterThan(0);
  });

  it('kicks a user through REST: they are told why, others see them leave, a ban refuses their return', async () => {
    const host = await joinBot('room-2', 1);
    const guest = await joinBot('room-2', 2);
    const res = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/room-2/users/2/kick`, { auth, body: { banSeconds: 60 } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ channel: 'room-2', uid: 2, kicked: true });
    expect(Date.parse(res.body.data.bannedUntil)).toBeGreaterThan(Date.now() + 50_000);
    expect(await guest.waitFor('kicked')).toMatchObject({ reason: 3 });
    await host.waitFor('user-left', (m) => m.uid === 2 && m.reason === 3);

    const refused = await BotClient.joinError({ url: t.url, appId: project.appId, channel: 'room-2', uid: 2, token: token('room-2', 2) });
    expect(refused.code).toBe('banned');

    const nobody = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/room-2/users/77/kick`, { auth });
    expect(nobody.status).toBe(404);

    const sessions = (await call(t.url, 'GET', `/v1/projects/${project.appId}/sessions?channel=room-2&uid=2`, { auth })).body.data.sessions;
    expect(sessions).toEqual([expect.objectContaining({ uid: 2, leaveReason: 3 })]);
  });

  it('refuses joins with an expired token, a token for another channel or uid, or another app', async () => {
    const expired = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'room-3', uid: 5, role: 'publisher', tokenExpireSeconds: 10, issueTs: Math.floor(Date.now() / 1000) - 60 });
    expect((await BotClient.joinError({ url: t.url, appId: project.appId, channel: 'room-3', uid: 5, token: expired })).code).toBe('token_expired');
    expect((await BotClient.joinError({ url: t.url, appId: project.appId, channel: 'room-3', uid: 5, token: token('elsewhere', 5) })).code).toBe('forbidden');
    expect((await BotClient.joinError({ url: t.url, appId: project.appId, channel: 'room-3', uid: 6, token: token('room-3', 5) })).code).toBe('forbidden');
    expect((await BotClient.joinError({ url: t.url, appId: project.appId, channel: 'room-3', uid: 5, token: 'garbage' })).code).toBe('invalid_token');
    const other = await t.createProject();
    expect((await BotClient.joinError({ url: t.url, appId: other.appId, channel: 'room-3', uid: 5, token: token('room-3', 5) })).code).toBe('forbidden');
  });

  it('does not let a subscriber token publish', async () => {
    const viewer = await joinBot('room-4', 9, 'subscriber');
    await expect(viewer.publish(['video'])).rejects.toThrow(/forbidden/);
  });
});
