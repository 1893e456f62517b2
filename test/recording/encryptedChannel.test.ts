/**
 * Cloud recording of an end-to-end encrypted channel: the server never holds the clients' key, so
 * both recording APIs refuse to start while a client that said `encrypted: true` at join is in
 * the channel, and start again once the last of them has left; a recording under way leaves out
 * an encrypted client who joins later. The join field is validated.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { buildRtcToken } from '@parley/token';
import { BACKENDS, uniqueName } from '../support/backends.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { startTestS3, type TestS3 } from '../support/s3.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';
import { BotClient } from '../support/wrtcClient.ts';

describe('recording an end-to-end encrypted channel', () => {
  let s3: TestS3;
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;
  const sockets: RawSignalingSocket[] = [];
  const bots: BotClient[] = [];

  beforeAll(async () => {
    s3 = await startTestS3(['e2ee-bucket']);
    t = await startTestServer(BACKENDS[0]!, { PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS: 'true' });
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.close();
    for (const bot of bots) await bot.close();
    await t?.stop();
    await s3?.close();
  });

  const token = (channel: string, uid: number) =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });

  async function join(channel: string, uid: number, extra: object = {}) {
    const socket = await RawSignalingSocket.open(t.url);
    sockets.push(socket);
    const reply = await socket.request({ type: 'join', appId: project.appId, channel, uid, token: token(channel, uid), ...extra });
    return { socket, reply };
  }

  const v1Start = (channel: string, uid: string) => call(t.url, 'POST', `/v1/projects/${project.appId}/channels/${channel}/recordings`, { auth, body: { uid } });
  const v1Stop = (channel: string, sid: string) => call(t.url, 'POST', `/v1/projects/${project.appId}/channels/${channel}/recordings/${sid}/stop`, { auth, body: { async: true } });
  const agora = (suffix: string) => `/v1/apps/${project.appId}/cloud_recording${suffix}`;
  const storageConfig = () => ({ vendor: 11, region: 0, bucket: 'e2ee-bucket', accessKey: s3.accessKey, secretKey: s3.secretKey, extensionParams: { endpoint: s3.endpoint } });
  const agoraStart = (cname: string, uid: string, resourceId: string) =>
    call(t.url, 'POST', agora(`/resourceid/${resourceId}/mode/mix/start`), { auth, body: { cname, uid, clientRequest: { storageConfig: storageConfig(), recordingConfig: { channelType: 0 } } } });

  it('refuses to start on both APIs while an encrypted client is in the channel, and starts once it has left', async () => {
    const channel = uniqueName('e2ee');
    await join(channel, 11);
    const secret = await join(channel, 12, { encrypted: true });
    expect(secret.reply).toMatchObject({ type: 'joined', uid: 12 });

    const v1 = await v1Start(channel, '900');
    expect(v1.status).toBe(409);
    expect(v1.body).toEqual({
      code: 409,
      message: 'The channel\'s media is end-to-end encrypted',
      details: { field: 'cname', reason: expect.stringMatching(/end-to-end encrypted.*cannot be recorded/) },
    });

    const acquired = await call(t.url, 'POST', agora('/acquire'), { auth, body: { cname: channel, uid: '901', clientRequest: {} } });
    expect(acquired.status).toBe(200);
    const resourceId = acquired.body.resourceId as string;
    const refused = await agoraStart(channel, '901', resourceId);
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ code: 2, reason: expect.stringMatching(/end-to-end encrypted.*cannot be recorded/) });
    // Nothing was recorded or claimed meanwhile.
    expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}/recordings`, { auth })).body.data.recordings).toEqual([]);

    secret.socket.send({ type: 'leave' });
    await waitUntil(() => t.server.services.rtc.room(project.appId, channel)?.find(12) === undefined, 'the encrypted client to leave');

    const started = await v1Start(channel, '900');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    // The resource the refusal left unclaimed starts now.
    const agoraStarted = await agoraStart(channel, '901', resourceId);
    expect(agoraStarted.status, JSON.stringify(agoraStarted.body)).toBe(200);
    expect(agoraStarted.body).toMatchObject({ cname: channel, uid: '901', resourceId, sid: expect.stringMatching(/^[0-9a-f]{32}$/) });

    await v1Stop(channel, started.body.data.sid);
    await call(t.url, 'POST', agora(`/resourceid/${resourceId}/sid/${agoraStarted.body.sid}/mode/mix/stop`), { auth, body: { cname: channel, uid: '901', clientRequest: { async_stop: true } } });
  });

  it('leaves out an encrypted client who joins a recording under way: its frames could not be decoded', async () => {
    const channel = uniqueName('late');
    const plain = await BotClient.join({ url: t.url, appId: project.appId, channel, uid: 41, token: token(channel, 41) });
    bots.push(plain);
    await plain.publish(['audio']);
    const started = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/${channel}/recordings`, { auth, body: { uid: '903', mode: 'individual' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const late = await BotClient.join({ url: t.url, appId: project.appId, channel, uid: 42, token: token(channel, 42), encrypted: true });
    bots.push(late);
    await late.publish(['audio']);
    await waitUntil(() => t.server.services.rtc.room(project.appId, channel)?.find(42)?.publishedTrack('audio'), 'the encrypted client to publish');
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const stopped = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/${channel}/recordings/${started.body.data.sid}/stop`, { auth });
    expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
    const recorded = stopped.body.data.serverResponse.fileList.map((file: { uid: string; trackType: string }) => `${file.uid}/${file.trackType}`);
    expect(recorded.length).toBeGreaterThan(0);
    expect(new Set(recorded)).toEqual(new Set(['41/audio']));
  });

  it('records a channel whose clients said encrypted: false, as one where they said nothing', async () => {
    const channel = uniqueName('plain');
    await join(channel, 21, { encrypted: false });
    const started = await v1Start(channel, '902');
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    await v1Stop(channel, started.body.data.sid);
  });

  it('refuses a join whose encrypted field is not a boolean', async () => {
    const { reply } = await join(uniqueName('bad'), 31, { encrypted: 'yes' });
    expect(reply).toMatchObject({ type: 'error', code: 'invalid_message' });
  });
});
