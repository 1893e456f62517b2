/**
 * `media-lost` and `restart-media` against a real server: a media connection that does not
 * connect is closed and the client told, what it carried is kept, and `restart-media` rebuilds it
 * on a new connection (for subscribe, a new offer from a new ICE agent).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { deadOffer } from '../support/deadOffer.ts';
import { BotClient } from '../support/wrtcClient.ts';

const iceUfrag = (sdp: string) => /^a=ice-ufrag:(.+)$/m.exec(sdp)?.[1];

describe('rebuilding media connections (restart-media)', () => {
  let t: TestServer;
  let project: CreatedProject;
  const sockets: RawSignalingSocket[] = [];
  const bots: BotClient[] = [];

  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_RTC_CONNECT_TIMEOUT_SECONDS: '2' });
    project = await t.createProject();
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    await Promise.all(bots.map((bot) => bot.close()));
    await t?.stop();
  });

  const token = (channel: string, uid: number) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  async function joined(channel: string, uid: number): Promise<RawSignalingSocket> {
    const socket = await RawSignalingSocket.open(t.url);
    sockets.push(socket);
    expect(await socket.request({ type: 'join', appId: project.appId, channel, uid, token: token(channel, uid) })).toMatchObject({ type: 'joined' });
    return socket;
  }

  it('publish: a restart the client asks for closes the server\'s connection, and a lost one is reported', async () => {
    const socket = await joined('restart-publish', 1);
    const answer: any = await socket.request({ type: 'publish-offer', ...(await deadOffer()) });
    expect(answer.type).toBe('publish-answer');

    // The client saw its connection fail: after the restart its new connection's offer is answered.
    // (That the server's side is new too shows in a real call: test/browser/mediaRecovery.test.ts.)
    expect(await socket.request({ type: 'restart-media', connection: 'publish' })).toMatchObject({ type: 'ok' });
    const again: any = await socket.request({ type: 'publish-offer', ...(await deadOffer()) });
    expect(again.type).toBe('publish-answer');

    // This one never connects either: the server gives it up and says so.
    const from = socket.messages.indexOf(again) + 1;
    expect(await socket.waitFor((m) => m.type === 'media-lost', 5_000, from)).toMatchObject({ connection: 'publish', reason: 'timeout' });
    // The user never left the channel.
    const listed = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/restart-publish`, { auth: basic(project.customerId, project.customerSecret!) });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).toContain('"uid":1');
  });

  it('subscribe: the subscriptions of a lost connection are kept and offered again on a new one', async () => {
    const publisher = await BotClient.join({ url: t.url, appId: project.appId, channel: 'restart-subscribe', uid: 10, token: token('restart-subscribe', 10) });
    bots.push(publisher);
    await publisher.publish(['audio']);
    const socket = await joined('restart-subscribe', 11);
    expect(await socket.request({ type: 'subscribe', uid: 10, kind: 'audio' })).toMatchObject({ type: 'ok' });
    const offer: any = await socket.waitFor((m) => m.type === 'subscribe-offer');
    expect(offer.tracks).toEqual([expect.objectContaining({ uid: 10, kind: 'audio' })]);
    // Never answered: the connection cannot connect, and the server gives it up.
    const lost = await socket.waitFor((m) => m.type === 'media-lost', 5_000);
    expect(lost).toMatchObject({ connection: 'subscribe', reason: 'timeout' });

    const from = socket.messages.length;
    expect(await socket.request({ type: 'restart-media', connection: 'subscribe' })).toMatchObject({ type: 'ok' });
    const reoffer: any = await socket.waitFor((m) => m.type === 'subscribe-offer', 5_000, from);
    expect(reoffer.tracks).toEqual([expect.objectContaining({ uid: 10, kind: 'audio' })]);
    expect(iceUfrag(reoffer.sdp)).not.toBe(iceUfrag(offer.sdp));
    // An unsubscribe while lost or rebuilt is honoured like any.
    expect(await socket.request({ type: 'unsubscribe', uid: 10, kind: 'audio' })).toMatchObject({ type: 'ok' });
  });

  it('refuses a restart of an unknown connection, and before joining', async () => {
    const socket = await joined('restart-refused', 21);
    expect(await socket.request({ type: 'restart-media', connection: 'both' })).toMatchObject({ type: 'error', code: 'invalid_message' });
    expect(await socket.request({ type: 'restart-media' })).toMatchObject({ type: 'error', code: 'invalid_message' });
    const stranger = await RawSignalingSocket.open(t.url);
    sockets.push(stranger);
    expect(await stranger.request({ type: 'restart-media', connection: 'publish' })).toMatchObject({ type: 'error', code: 'not_joined' });
  });
});
