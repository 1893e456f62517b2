/**
 * Webhooks from real calls: native WebRTC peers join, publish, get kicked (through the v1 API and
 * through an Agora kicking rule), get replaced by a second connection and leave, while a real
 * receiver on 127.0.0.1 checks both signatures. Every join is followed by exactly one leave with
 * the reason it ended for, and a channel's notices arrive in order, create first, destroy last.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { WebhookReceiver, type ReceivedNotice } from '../support/webhookReceiver.ts';
import { BotClient, type BotOptions } from '../support/wrtcClient.ts';

const JOINS = new Set([103, 105, 107]);
const LEAVES = new Set([104, 106, 108]);

/** Per session id, its join and leave notices (sid is the session). */
function bySession(notices: ReceivedNotice[]): Map<string, { joins: ReceivedNotice[]; leaves: ReceivedNotice[] }> {
  const sessions = new Map<string, { joins: ReceivedNotice[]; leaves: ReceivedNotice[] }>();
  for (const notice of notices) {
    if (!notice.body.sid) continue;
    const entry = sessions.get(notice.body.sid) ?? { joins: [], leaves: [] };
    if (JOINS.has(notice.body.eventType)) entry.joins.push(notice);
    if (LEAVES.has(notice.body.eventType)) entry.leaves.push(notice);
    sessions.set(notice.body.sid, entry);
  }
  return sessions;
}

describe('webhooks from real calls', () => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  let receiver: WebhookReceiver;
  const bots: BotClient[] = [];

  const token = (channel: string, uid: number) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600 });

  async function joinBot(channel: string, uid: number, options: Partial<BotOptions> = {}) {
    const bot = await BotClient.join({ url: t.url, appId: project.appId, channel, uid, token: token(channel, uid), ...options });
    bots.push(bot);
    return bot;
  }

  /** The notices of one channel that the receiver accepted, once each. */
  const ofChannel = (channel: string) => receiver.accepted().filter((n) => n.body.payload.channelName === channel);

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '50' });
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
    receiver = await WebhookReceiver.start();
    const created = await call(t.url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url } });
    expect(created.status).toBe(200);
    receiver.secret = created.body.data.secret;
  });
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    await t.stop();
    await receiver.close();
  });

  it('reports every join with exactly one leave, with the reason each session ended for', async () => {
    // The receiver fails now and then: retries must not reorder or duplicate what it accepts.
    let n = 0;
    receiver.respond = () => (++n % 4 === 0 ? 503 : 200);

    const alice = await joinBot('call', 1);
    await alice.publish(['audio', 'video']);
    const bob = await joinBot('call', 2);
    expect(bob.users).toEqual([expect.objectContaining({ uid: 1, published: expect.arrayContaining(['audio', 'video']) })]);

    // Kicked through the v1 API.
    expect((await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/call/users/2/kick`, { auth })).status).toBe(200);
    expect(await bob.waitFor('kicked')).toMatchObject({ reason: 3 });

    // Kicked by an Agora kicking rule of 0 minutes: out now, free to come back.
    const carol = await joinBot('call', 3);
    const rule = await call(t.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: project.appId, cname: 'call', uid: 3, time: 0, privileges: ['join_channel'] } });
    expect(rule.status).toBe(200);
    expect(await carol.waitFor('kicked')).toMatchObject({ reason: 3 });
    const carolAgain = await joinBot('call', 3);

    // Replaced by a second connection with the same uid.
    const dave = await joinBot('call', 4);
    const daveAgain = await joinBot('call', 4);
    expect(await dave.waitFor('kicked')).toMatchObject({ reason: 5 });

    for (const bot of [carolAgain, daveAgain, alice]) await bot.leave();
    await receiver.waitFor(() => ofChannel('call').some((notice) => notice.body.eventType === 102));

    const notices = ofChannel('call');
    expect(receiver.received.every((notice) => notice.signed)).toBe(true);
    expect(receiver.received.some((notice) => notice.status === 503)).toBe(true);
    expect(notices[0]!.body.eventType).toBe(101);
    expect(notices.at(-1)!.body).toMatchObject({ eventType: 102, payload: { lastUid: 1 } });
    expect(notices.filter((notice) => notice.body.eventType === 101 || notice.body.eventType === 102)).toHaveLength(2);

    const sessions = bySession(notices);
    expect(sessions.size).toBe(6);
    const endings = [...sessions.values()].map(({ joins, leaves }) => {
      expect(joins).toHaveLength(1);
      expect(leaves).toHaveLength(1);
      const [join, leave] = [joins[0]!, leaves[0]!];
      expect(join.body.eventType).toBe(107);
      expect(leave.body.eventType).toBe(108);
      expect(notices.indexOf(join)).toBeLessThan(notices.indexOf(leave));
      expect(leave.body.payload.clientSeq).toBeGreaterThan(join.body.payload.clientSeq);
      expect(leave.body.payload.duration).toBeGreaterThanOrEqual(0);
      expect(join.body.payload).toMatchObject({ platform: 0, account: String(join.body.payload.uid) });
      return `${leave.body.payload.uid}:${leave.body.payload.reason}`;
    });
    expect(endings.sort()).toEqual(['1:1', '2:3', '3:1', '3:3', '4:1', '4:5']);
    // Retries delivered the same bytes: one distinct body per notice id.
    const bodies = new Map<string, Set<string>>();
    for (const notice of receiver.received) bodies.set(notice.body.noticeId, (bodies.get(notice.body.noticeId) ?? new Set()).add(notice.rawBody));
    expect([...bodies.values()].every((set) => set.size === 1)).toBe(true);
  });

  it('tells hosts from audience in a live channel (103/104, 105/106)', async () => {
    receiver.respond = () => 200;
    const host = await joinBot('stage', 10, { mode: 'live', role: 'host' });
    const viewer = await joinBot('stage', 11, { mode: 'live', role: 'audience' });
    await viewer.leave();
    await host.leave();
    await receiver.waitFor(() => ofChannel('stage').some((notice) => notice.body.eventType === 102));
    expect(ofChannel('stage').map((notice) => [notice.body.eventType, notice.body.payload.uid ?? notice.body.payload.lastUid ?? null])).toEqual([
      [101, null],
      [103, 10],
      [105, 11],
      [106, 11],
      [104, 10],
      [102, 10],
    ]);
  });

  it('reports live-mode role switches during the call as 111 (to host) and 112 (to audience), and the switch reaches the others', async () => {
    receiver.respond = () => 200;
    const host = await joinBot('switch-stage', 20, { mode: 'live', role: 'host' });
    await host.publish(['audio']);
    const viewer = await joinBot('switch-stage', 21, { mode: 'live', role: 'audience' });
    expect(await viewer.request({ type: 'set-role', requestId: 'r1', role: 'host' })).toMatchObject({ type: 'ok' });
    expect(await host.waitFor('user-role-changed')).toMatchObject({ uid: 21, role: 'host' });
    // The host turned audience stops publishing first: the others hear of the unpublish, then the switch.
    expect(await host.request({ type: 'set-role', requestId: 'r2', role: 'audience' })).toMatchObject({ type: 'ok' });
    expect(await viewer.waitFor('user-unpublished')).toMatchObject({ uid: 20, kind: 'audio' });
    expect(await viewer.waitFor('user-role-changed')).toMatchObject({ uid: 20, role: 'audience' });
    // Switching to the role one has is a no-op; rtc mode has no roles.
    expect(await host.request({ type: 'set-role', requestId: 'r3', role: 'audience' })).toMatchObject({ type: 'ok' });
    const roles = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/switch-stage`, { auth })).body.data.participants.map((p: any) => [p.uid, p.role]).sort();
    expect(roles).toEqual([[20, 'audience'], [21, 'host']]);
    const plain = await joinBot('switch-rtc', 22);
    expect(await plain.request({ type: 'set-role', requestId: 'r4', role: 'audience' })).toMatchObject({ type: 'error', code: 'forbidden' });
    await viewer.leave();
    await host.leave();
    await receiver.waitFor(() => ofChannel('switch-stage').some((notice) => notice.body.eventType === 102));
    expect(ofChannel('switch-stage').map((notice) => [notice.body.eventType, notice.body.payload.uid ?? notice.body.payload.lastUid ?? null])).toEqual([
      [101, null],
      [103, 20],
      [105, 21],
      [111, 21],
      [112, 20],
      [104, 21],
      [106, 20],
      [102, 20],
    ]);
  });
});
