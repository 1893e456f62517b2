/**
 * Actions reach the node that holds what they act on, whichever node the REST request reached:
 * three `parley serve` processes on one PostgreSQL and one Redis. Kicks (v1 and Agora's kicking
 * rule), DELETE channel and a kicking rule by address sent to other nodes disconnect users on the
 * channel's node; a recording started through one node, queried through another and stopped
 * through a third (Agora's route) records the channel's node and its files play.
 * Users are raw signaling sockets; the recorded publisher is a native WebRTC bot.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { joinRaw, startCluster, type RawJoin, type TestCluster } from '../support/cluster.ts';
import { ffprobe, within } from '../support/media.ts';
import { basic, call } from '../support/server.ts';
import { BotClient } from '../support/wrtcClient.ts';

const KICK_WITHIN_MS = 2_000;
const RECORD_MS = 5_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('actions through any node of a cluster', () => {
  let cluster: TestCluster;
  let auth: string;
  let appId: string;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-actions-'));

  beforeAll(async () => {
    cluster = await startCluster(3);
    auth = basic(cluster.project.customerId, cluster.project.customerSecret!);
    appId = cluster.project.appId;
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const join = (channel: string, uid: string, via = 0) => joinRaw(cluster, cluster.nodes[via]!, channel, uid);
  /** A node other than the ones given (the channel's, the one joined through). */
  const otherThan = (...urls: string[]) => cluster.nodes.find((node) => !urls.includes(node.url))!;

  /** The socket is told it was kicked, then closed, within KICK_WITHIN_MS of `since`. */
  async function expectKicked(user: RawJoin, since: number): Promise<void> {
    const code = await Promise.race([user.closed, sleep(KICK_WITHIN_MS + 1_000).then(() => -1)]);
    const after = Date.now() - since;
    expect(user.messages.map((m) => m.type), 'told before the close').toContain('kicked');
    expect(code, 'closed').not.toBe(-1);
    expect(after, `closed ${after} ms after the request`).toBeLessThan(KICK_WITHIN_MS);
  }

  it('kicks through a node that does not host the channel, with the v1 route and Agora kicking rule', async () => {
    const ada = await join('kick-v1', 'ada');
    expect(ada.reply.type).toBe('joined');
    const via = otherThan(ada.at);
    const sentAt = Date.now();
    const kick = await call(via.url, 'POST', `/v1/projects/${appId}/channels/kick-v1/users/ada/kick`, { auth, body: {} });
    expect(kick.status, JSON.stringify(kick.body)).toBe(200);
    expect(kick.body.data).toMatchObject({ kicked: true });
    await expectKicked(ada, sentAt);
    // Kicking who is not there answers the same through any node.
    const again = await call(via.url, 'POST', `/v1/projects/${appId}/channels/kick-v1/users/ada/kick`, { auth, body: {} });
    expect(again.status).toBe(404);
    expect(again.body.details).toMatchObject({ field: 'uid' });

    // Agora's uids are numbers.
    const bob = await join('kick-agora', '42', 1);
    const agoraVia = otherThan(bob.at);
    const ruledAt = Date.now();
    const rule = await call(agoraVia.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, cname: 'kick-agora', uid: 42, time: 0, privileges: ['join_channel'] } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    await expectKicked(bob, ruledAt);
  });

  it('DELETE channel through another node disconnects everyone in it', async () => {
    const cy = await join('deleted', 'cy', 2);
    const dan = await join('deleted', 'dan', 0);
    expect(dan.at).toBe(cy.at);
    const via = otherThan(cy.at);
    const sentAt = Date.now();
    const deleted = await call(via.url, 'DELETE', `/v1/projects/${appId}/channels/deleted`, { auth });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    await Promise.all([expectKicked(cy, sentAt), expectKicked(dan, sentAt)]);
    expect((await call(via.url, 'DELETE', `/v1/projects/${appId}/channels/deleted`, { auth })).status, 'nothing left to delete').toBe(404);
  });

  // Each node caches a channel GET's stored state (channels/storedState.ts): a change through
  // another node must show at once.
  it('a channel made and deleted through other nodes shows at once in GETs through a node that cached it', async () => {
    const path = `/v1/projects/${appId}/channels/cached`;
    const reader = cluster.nodes[1]!.url;
    expect((await call(reader, 'GET', path, { auth })).status, 'not made yet').toBe(404);
    const made = await call(cluster.nodes[0]!.url, 'POST', `/v1/projects/${appId}/rtc/channels`, { auth, body: { channel: 'cached' } });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    expect((await call(reader, 'GET', path, { auth })).status, 'made through another node').toBe(200);
    expect((await call(reader, 'GET', path, { auth })).status, 'read again (cached)').toBe(200);
    expect((await call(cluster.nodes[2]!.url, 'DELETE', path, { auth })).status).toBe(200);
    expect((await call(reader, 'GET', path, { auth })).status, 'deleted through another node').toBe(404);
  });

  it('a kicking rule by address made through one node applies to users on the others', async () => {
    const eve = await join('by-address', 'eve', 1);
    const via = otherThan(eve.at);
    const sentAt = Date.now();
    const rule = await call(via.url, 'POST', '/dev/v1/kicking-rule', { auth, body: { appid: appId, ip: '127.0.0.1', time: 1, privileges: ['join_channel'] } });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
    try {
      await expectKicked(eve, sentAt);
    } finally {
      // Every test client comes from 127.0.0.1: lift it before anything else runs.
      await call(via.url, 'DELETE', '/dev/v1/kicking-rule', { auth, body: { appid: appId, id: rule.body.id } });
    }
  });

  it('a recorder started before anyone joins opens the channel on the node it placed it on, where the first join goes', async () => {
    const roomsPerNode = async () =>
      Promise.all(cluster.nodes.map(async (node) => Number(/^parley_rtc_rooms (\d+)$/m.exec(await (await fetch(`${node.url}/metrics`)).text())?.[1])));
    const before = await roomsPerNode();
    const base = `/v1/projects/${appId}/channels/early/recordings`;
    const started = await call(cluster.nodes[1]!.url, 'POST', base, { auth, body: { uid: '901', mode: 'individual' } });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const after = await roomsPerNode();
    const recorderNode = cluster.nodes[after.findIndex((rooms, i) => rooms === before[i]! + 1)]!;
    expect(recorderNode, `rooms before ${before}, after ${after}`).toBeDefined();
    const fay = await joinRaw(cluster, otherThan(recorderNode.url), 'early', 'fay');
    expect(fay.at, 'joined where the recorder is').toBe(recorderNode.url);
    const stop = await call(otherThan(recorderNode.url).url, 'POST', `${base}/${started.body.data.sid}/stop`, { auth, body: {} });
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    fay.socket.close();
  });

  it('a recording started through one node is queried through another and stopped through a third, and its files play', async () => {
    const channel = 'recorded';
    const token = buildRtcToken({ appId, appCertificate: cluster.project.appCertificate, channel, uid: 7, role: 'publisher', tokenExpireSeconds: 600 });
    const bot = await BotClient.join({ url: cluster.nodes[0]!.url, appId, channel, uid: 7, token });
    try {
      await bot.publish(['audio', 'video'], { width: 320, height: 240, fps: 15 });
      const host = bot.url;
      const [startVia, stopVia] = cluster.nodes.filter((node) => node.url !== host);
      const base = `/v1/projects/${appId}/channels/${channel}/recordings`;
      const startRequestedAt = Date.now();
      const started = await call(startVia!.url, 'POST', base, { auth, body: { uid: '900', mode: 'individual', avFileType: ['hls', 'mp4'] } });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const startedAt = Date.now();
      const { sid, resourceId } = started.body.data;

      await sleep(RECORD_MS / 2);
      // Through the channel's node and another: the recorder's fresh state (media started) either way.
      for (const node of [stopVia!, cluster.nodes.find((n) => n.url === host)!]) {
        const during = await call(node.url, 'GET', `${base}/${sid}`, { auth });
        expect(during.body.data, node.id).toMatchObject({ status: 5, sliceStartTime: expect.any(Number) });
      }
      const channelView = (await call(startVia!.url, 'GET', `/v1/projects/${appId}/channels/${channel}`, { auth })).body.data;
      expect(channelView.participants.map((p: { uid: string | number; role: string }) => `${p.uid}:${p.role}`).sort(), 'the recorder is in the channel\'s room').toEqual(['7:host', '900:recorder']);
      await sleep(startedAt + RECORD_MS - Date.now());

      const stoppedAt = Date.now();
      const stop = await call(stopVia!.url, 'POST', `/v1/apps/${appId}/cloud_recording/resourceid/${resourceId}/sid/${sid}/mode/individual/stop`, {
        auth,
        body: { cname: channel, uid: '900', clientRequest: {} },
      });
      const stopAnsweredAt = Date.now();
      expect(stop.status, JSON.stringify(stop.body)).toBe(200);
      expect(stop.body.serverResponse).toMatchObject({ uploadingStatus: 'uploaded' });
      // Stopped once: a second stop through the first node is Agora's "already stopped".
      const twice = await call(startVia!.url, 'POST', `${base}/${sid}/stop`, { auth, body: {} });
      expect(twice.status).toBe(409);

      const expected = { shortest: (stoppedAt - startedAt) / 1000, longest: (stopAnsweredAt - startRequestedAt) / 1000 };
      const fileList = ((await call(host, 'GET', `${base}/${sid}`, { auth })).body.data.fileList as Array<{ downloadUrl: string; fileName: string; uid: string; trackType: string }>).filter((file) =>
        file.fileName.endsWith('.mp4'),
      );
      expect(fileList.map((f) => `${f.uid}/${f.trackType}`).sort()).toEqual(['7/audio', '7/video']);
      for (const file of fileList) {
        // The local folder storage is the recording node's disk: another node fetches the file from there.
        const response = await fetch(`${host}${file.downloadUrl}`, { headers: { authorization: auth } });
        expect(response.status, file.fileName).toBe(200);
        const bytes = Buffer.from(await response.arrayBuffer());
        const elsewhere = await fetch(`${stopVia!.url}${file.downloadUrl}`, { headers: { authorization: auth } });
        expect(elsewhere.status, `${file.fileName} through another node`).toBe(200);
        expect(elsewhere.headers.get('content-type')).toBe(response.headers.get('content-type'));
        expect(Buffer.from(await elsewhere.arrayBuffer()).equals(bytes), 'the same bytes through another node').toBe(true);
        // Credentials are checked before anything is passed on.
        expect((await fetch(`${stopVia!.url}${file.downloadUrl}`)).status).toBe(401);
        const local = path.join(scratch, path.basename(file.fileName));
        fs.writeFileSync(local, bytes);
        const probe = await ffprobe(local);
        if (file.trackType === 'video') expect(probe.video, file.fileName).toEqual({ codec: 'h264', width: 320, height: 240 });
        else expect(probe.audio, file.fileName).toMatchObject({ codec: 'aac' });
        expect(within(probe.duration, expected, 0.2), `${file.fileName}: ${probe.duration} s of ${JSON.stringify(expected)} s`).toBe(true);
      }
    } finally {
      await bot.close();
    }
  });
});
