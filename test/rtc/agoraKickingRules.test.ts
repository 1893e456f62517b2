/**
 * Agora kicking rules enforced on real peers: a rule disconnects whoever it covers at once (leave
 * reason 3) and refuses their joins while it lasts, by channel, uid or ip; a publish ban stops
 * what they publish and refuses new offers; `time: 0` kicks without banning; updating a rule to
 * 0 or deleting it lets people back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { BotClient } from '../support/wrtcClient.ts';

describe('Agora kicking rules on real peers', () => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  const bots: BotClient[] = [];

  const token = (channel: string, uid: number) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600 });
  const options = (channel: string, uid: number) => ({ url: t.url, appId: project.appId, channel, uid, token: token(channel, uid) });

  async function joinBot(channel: string, uid: number) {
    const bot = await BotClient.join(options(channel, uid));
    bots.push(bot);
    return bot;
  }

  async function rule(method: 'POST' | 'PUT' | 'DELETE', body: Record<string, unknown>) {
    const res = await call(t.url, method, '/dev/v1/kicking-rule', { auth, body: { appid: project.appId, ...body } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  const joinRefusal = async (channel: string, uid: number) => (await BotClient.joinError(options(channel, uid))).code;

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    await t.stop();
  });

  it('bans a channel: everyone in it is kicked at once, joins are refused, other channels go on; lifting it lets them back', async () => {
    const [a, b] = [await joinBot('locked', 1), await joinBot('locked', 2)];
    const elsewhere = await joinBot('open', 3);
    const { id } = await rule('POST', { cname: 'locked', time: 1, privileges: ['join_channel'] });
    for (const bot of [a, b]) expect(await bot.waitFor('kicked')).toMatchObject({ reason: 3 });
    expect(await joinRefusal('locked', 9)).toBe('banned');
    expect(elsewhere.events.some((m) => m.type === 'kicked')).toBe(false);

    await rule('PUT', { id, time: 0 });
    await joinBot('locked', 9);
  });

  it('bans a uid in every channel of the app, until the rule is deleted', async () => {
    const [x, y] = [await joinBot('uid-a', 7), await joinBot('uid-b', 7)];
    const other = await joinBot('uid-a', 8);
    const { id } = await rule('POST', { uid: 7, time_in_seconds: 60, privileges: ['join_channel'] });
    for (const bot of [x, y]) expect(await bot.waitFor('kicked')).toMatchObject({ reason: 3 });
    await other.waitFor('user-left', (m) => m.uid === 7 && m.reason === 3);
    expect(await joinRefusal('uid-c', 7)).toBe('banned');
    await rule('DELETE', { id });
    await joinBot('uid-c', 7);
  });

  it('bans an address: every client from it is kicked and refused, wherever it is', async () => {
    const [p, q] = [await joinBot('ip-a', 21), await joinBot('ip-b', 22)];
    const { id } = await rule('POST', { ip: '127.0.0.1', time: 1, privileges: ['join_channel'] });
    try {
      for (const bot of [p, q]) expect(await bot.waitFor('kicked')).toMatchObject({ reason: 3 });
      expect(await joinRefusal('ip-c', 23)).toBe('banned');
    } finally {
      // Every test client comes from 127.0.0.1: lift it before anything else runs.
      await rule('DELETE', { id });
    }
    await joinBot('ip-c', 23);
  });

  it('kicks without banning when the time is 0', async () => {
    const bot = await joinBot('once', 31);
    await rule('POST', { cname: 'once', uid: 31, time: 0, privileges: ['join_channel'] });
    expect(await bot.waitFor('kicked')).toMatchObject({ reason: 3 });
    await joinBot('once', 31);
  });

  it('stops a publisher\'s audio under a publish ban, refuses new audio offers, and leaves video alone', async () => {
    const speaker = await joinBot('stage', 41);
    const listener = await joinBot('stage', 42);
    await speaker.publish(['audio', 'video']);
    await listener.waitFor('user-published', (m) => m.uid === 41 && m.kind === 'audio');
    await rule('POST', { cname: 'stage', uid: 41, time: 1, privileges: ['publish_audio'] });
    await listener.waitFor('user-unpublished', (m) => m.uid === 41 && m.kind === 'audio');
    expect(speaker.events.some((m) => m.type === 'kicked')).toBe(false);

    const participants = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/stage`, { auth })).body.data.participants;
    expect(participants.find((p: { uid: number }) => p.uid === 41)).toMatchObject({ publishingAudio: false, publishingVideo: true });
    const again = await speaker.request({ type: 'publish-offer', requestId: '', sdp: 'v=0', tracks: [{ mid: '9', kind: 'audio' }] });
    expect(again).toMatchObject({ type: 'error', code: 'forbidden' });
    // Whoever joins later is held to the rule too.
    const late = await joinBot('stage', 41);
    await expect(late.publish(['audio'])).rejects.toThrow(/forbidden/);
  });
});
