/**
 * The life of a signaling session: resuming after a lost socket, token expiry and renewal,
 * replacement by a second join with the same uid, channel deletion, bad messages.
 */
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallFixture, type CallFixture } from '../support/callFixture.ts';
import { call, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';
import { BotClient } from '../support/wrtcClient.ts';
import type { CreatedProject } from '@parley/server';

describe('signaling sessions', () => {
  let f: CallFixture;
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  const token = (channel: string, uid: number | string, seconds = 600) => f.token(channel, uid, { seconds });
  const joinBot = (channel: string, uid: number | string, seconds = 600) => f.joinBot(channel, uid, { seconds });

  const participants = async (channel: string) =>
    ((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}`, { auth })).body.data?.participants ?? []).map((p: any) => p.uid);

  beforeAll(async () => {
    f = await startCallFixture();
    ({ t, project, auth } = f);
  });
  afterAll(() => f.close());

  it('lets a client that lost its socket resume the session, keeping its media', async () => {
    const alice = await joinBot('resume', 1);
    const bob = await joinBot('resume', 2);
    await alice.publish(['video']);
    await bob.waitFor('user-published', (m) => m.uid === 1);
    await bob.subscribe(1, 'video');
    await bob.waitForFrames(1, 10);

    bob.dropSocket();
    await bob.waitForClose();
    expect(await participants('resume')).toContain(2);
    const before = bob.framesReceived.get('1') ?? 0;
    const { bot: bobAgain, reply } = await BotClient.resume(t.url, bob.sessionId, bob.resumeToken);
    f.track(bobAgain);
    expect(reply).toMatchObject({ type: 'resumed', uid: 2, users: [expect.objectContaining({ uid: 1, published: ['video'] })] });
    await bob.waitForFrames(1, before + 10);
    expect(alice.events.some((m) => m.type === 'user-left')).toBe(false);

    const { reply: wrong } = await BotClient.resume(t.url, bob.sessionId, 'x'.repeat(bob.resumeToken.length));
    expect(wrong).toMatchObject({ type: 'error', code: 'session_not_found' });
  });

  it('warns before the token expires and disconnects at expiry with reason 12', async () => {
    const bot = await joinBot('expiry', 3, 2);
    await bot.waitFor('token-privilege-will-expire', () => true, 2_000);
    await bot.waitFor('token-privilege-did-expire', () => true, 5_000);
    expect(await bot.waitFor('kicked')).toMatchObject({ reason: 12 });
    expect(await bot.waitForClose()).toBe(4003);
    expect(await participants('expiry')).toEqual([]);
  });

  it('keeps a client whose token was renewed in time', async () => {
    const bot = await joinBot('renew', 4, 2);
    const { expiresAt: firstExpiry } = await bot.waitFor('token-privilege-will-expire', () => true, 2_000);
    const renewed = await bot.request({ type: 'renew-token', requestId: '', token: token('renew', 4, 600) });
    expect(renewed).toMatchObject({ type: 'token-renewed' });
    expect((renewed as any).tokenExpiresAt).toBeGreaterThan(Date.now() / 1000 + 500);
    // Past the first token's expiry, and a round trip later (the server has run its timers).
    await waitUntil(() => Date.now() > firstExpiry * 1000 + 200, 'the first token to expire');
    expect(await bot.request({ type: 'renew-token', requestId: '', token: token('renew', 4, 600) })).toMatchObject({ type: 'token-renewed' });
    expect(bot.events.some((m) => m.type === 'kicked')).toBe(false);
    expect(await participants('renew')).toEqual([4]);

    const wrongUid = await bot.request({ type: 'renew-token', requestId: '', token: token('renew', 5, 600) });
    expect(wrongUid).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it('replaces the first connection when the same uid joins again (reason 5)', async () => {
    const watcher = await joinBot('replace', 10);
    const first = await joinBot('replace', 11);
    const second = await joinBot('replace', 11);
    expect(await first.waitFor('kicked')).toMatchObject({ reason: 5 });
    await watcher.waitFor('user-left', (m) => m.uid === 11 && m.reason === 5);
    await watcher.waitFor('user-joined', (m) => m.user.uid === 11);
    expect(second.closeCode).toBeUndefined();
    expect(await participants('replace')).toEqual(expect.arrayContaining([10, 11]));
  });

  it('disconnects everyone when the channel is deleted through REST', async () => {
    const a = await joinBot('doomed', 20);
    const b = await joinBot('doomed', 21);
    const res = await call(t.url, 'DELETE', `/v1/projects/${project.appId}/channels/doomed`, { auth });
    expect(res.status).toBe(200);
    for (const bot of [a, b]) expect(await bot.waitFor('kicked')).toMatchObject({ reason: 3 });
    expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/doomed`, { auth })).status).toBe(404);
  });

  it('answers malformed, unknown and premature messages with errors, and survives them', async () => {
    const ws = new WebSocket(t.url.replace('http', 'ws') + '/v1/rtc');
    const replies: any[] = [];
    ws.on('message', (data) => replies.push(JSON.parse(String(data))));
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('{not json');
    ws.send(JSON.stringify({ type: 'teleport', requestId: 'a' }));
    ws.send(JSON.stringify({ type: 'subscribe', requestId: 'b', uid: 1, kind: 'video' }));
    ws.send(JSON.stringify({ type: 'join', requestId: 'c', appId: project.appId, channel: 'a/b', token: 'x' }));
    ws.send(JSON.stringify({ type: 'ping' }));
    await waitUntil(() => replies.length >= 5, 'five replies');
    expect(replies).toEqual([
      { type: 'error', code: 'invalid_message', message: 'Message is not JSON' },
      expect.objectContaining({ type: 'error', code: 'invalid_message', requestId: 'a' }),
      expect.objectContaining({ type: 'error', code: 'not_joined', requestId: 'b' }),
      expect.objectContaining({ type: 'error', code: 'invalid_message', requestId: 'c' }),
      { type: 'pong', serverTime: expect.any(Number) },
    ]);
    ws.send('x'.repeat(200 * 1024));
    const code = await new Promise((resolve) => ws.once('close', resolve));
    expect(code).toBe(1009);
  });
});
