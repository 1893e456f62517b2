/**
 * Recording real calls: native WebRTC publishers (@roamhq/wrtc bots sending a moving bar and a
 * 440 Hz tone) recorded to files that ffprobe reads back with the expected codecs, sizes and
 * durations. The recordings run at the same time to keep the suite short:
 * - individual mode through Parley's v1 API into the local folder (SQLite + memory), with a
 *   subscription filter and a name prefix, downloaded through the authenticated file URL;
 * - mix mode through Agora's API into an S3-compatible bucket (PostgreSQL + Redis), a 2 × 2 grid
 *   re-laid out to "floating" half way, its answers checked against Agora's schemas;
 * - a recorder that leaves by itself after maxIdleTime with nobody publishing;
 * - an upload that fails while the bucket is down, is reported, and is retried until it lands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { DomainEvent } from '@parley/protocol';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { agoraSchemaErrors } from '../support/agoraOpenapi.ts';
import { BACKENDS } from '../support/backends.ts';
import { ffprobe, playlistSegments, regionPeaks, within } from '../support/media.ts';
import { startTestS3, type TestS3 } from '../support/s3.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';
import { BotClient } from '../support/wrtcClient.ts';

const RECORD_MS = 12_000;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-media-'));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Site {
  t: TestServer;
  project: CreatedProject;
  auth: string;
  bots: BotClient[];
}

async function openSite(backend: (typeof BACKENDS)[number]): Promise<Site> {
  const t = await startTestServer(backend, { PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS: 'true', PARLEY_RECORDING_UPLOAD_RETRY_SECONDS: '1' });
  const project = await t.createProject('enterprise');
  return { t, project, auth: basic(project.customerId, project.customerSecret!), bots: [] };
}

async function publisher(site: Site, channel: string, uid: number, kinds: Array<'audio' | 'video'> = ['audio', 'video']): Promise<BotClient> {
  const token = buildRtcToken({ appId: site.project.appId, appCertificate: site.project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600 });
  const bot = await BotClient.join({ url: site.t.url, appId: site.project.appId, channel, uid, token });
  site.bots.push(bot);
  await bot.publish(kinds, { width: 320, height: 240, fps: 15 });
  return bot;
}

async function download(site: Site, url: string, to: string): Promise<string> {
  const response = await fetch(`${site.t.url}${url}`, { headers: { authorization: site.auth } });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.writeFileSync(to, Buffer.from(await response.arrayBuffer()));
  return to;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

describe('recording real calls', () => {
  let local: Site;
  let cloud: Site;
  let s3: TestS3;
  let flaky: TestS3;

  beforeAll(async () => {
    [local, cloud, s3, flaky] = await Promise.all([openSite(BACKENDS[0]!), openSite(BACKENDS[1]!), startTestS3(['media']), startTestS3(['retry'])]);
  });
  afterAll(async () => {
    await Promise.all([...local.bots, ...cloud.bots].map((bot) => bot.close()));
    await Promise.all([local.t.stop(), cloud.t.stop(), s3.close(), flaky.close()]);
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it.concurrent('individual mode: one file per user and kind, as HLS and MP4, in the local folder behind an authenticated URL', async ({ expect }) => {
    const site = local;
    const channel = 'individual-call';
    await Promise.all([publisher(site, channel, 1), publisher(site, channel, 2)]);
    const base = `/v1/projects/${site.project.appId}/channels/${channel}/recordings`;
    const startRequestedAt = Date.now();
    const started = await call(site.t.url, 'POST', base, {
      auth: site.auth,
      body: { uid: '900', mode: 'individual', avFileType: ['hls', 'mp4'], unsubscribeAudioUids: ['2'], storage: { fileNamePrefix: ['calls', 'day1'] } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const { sid } = started.body.data;
    const startedAt = Date.now();
    // A recorder needs a uid nobody in the channel has.
    const taken = await call(site.t.url, 'POST', base, { auth: site.auth, body: { uid: '1', mode: 'individual' } });
    expect(taken.status).toBe(409);
    expect(taken.body.details).toEqual({ field: 'uid', reason: expect.stringMatching(/uid 1 is already in channel/) });
    await sleep(RECORD_MS / 2);
    const during = (await call(site.t.url, 'GET', `${base}/${sid}`, { auth: site.auth })).body.data;
    expect(during).toMatchObject({ status: 5, sliceStartTime: expect.any(Number), fileList: [] });
    await sleep(startedAt + RECORD_MS - Date.now());

    const stoppedAt = Date.now();
    const stop = await call(site.t.url, 'POST', `${base}/${sid}/stop`, { auth: site.auth });
    const stopAnsweredAt = Date.now();
    const readyAfterMs = stopAnsweredAt - stoppedAt;
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    const { status, fileList, uploadingStatus } = stop.body.data.serverResponse;
    expect({ status, uploadingStatus }).toEqual({ status: 8, uploadingStatus: 'uploaded' });
    expect(readyAfterMs).toBeLessThan(10_000);
    // A loaded machine answers late: the recording may begin before the start answer and go on until the stop answer.
    const expected = { shortest: (stoppedAt - startedAt) / 1000, longest: (stopAnsweredAt - startRequestedAt) / 1000 };

    const playlists = fileList.filter((f: { fileName: string }) => f.fileName.endsWith('.m3u8'));
    expect(playlists.map((f: { uid: string; trackType: string }) => `${f.uid}/${f.trackType}`).sort()).toEqual(['1/audio', '1/video', '2/video']);
    for (const file of fileList) {
      expect(file.fileName).toMatch(new RegExp(`^calls/day1/${sid}_${channel}__uid_s_${file.uid}__uid_e_${file.trackType}(_\\d{17}\\.mp4|\\.m3u8)$`));
      expect(file).toMatchObject({ mixedAllUser: false, isPlayable: true, sliceStartTime: expect.any(Number) });
    }

    for (const file of fileList.filter((f: { fileName: string }) => f.fileName.endsWith('.mp4'))) {
      const probe = await ffprobe(await download(site, file.downloadUrl, path.join(scratch, 'individual', path.basename(file.fileName))));
      if (file.trackType === 'video') {
        expect(probe.video, file.fileName).toEqual({ codec: 'h264', width: 320, height: 240 });
        expect(probe.audio).toBeUndefined();
      } else {
        expect(probe.audio, file.fileName).toMatchObject({ codec: 'aac' });
        expect(probe.video).toBeUndefined();
      }
      expect(within(probe.duration, expected), `${file.fileName}: ${probe.duration} s of ${JSON.stringify(expected)} s`).toBe(true);
    }

    for (const playlist of playlists) {
      const dir = path.join(scratch, 'individual-hls', `${playlist.uid}-${playlist.trackType}`);
      const local = await download(site, playlist.downloadUrl, path.join(dir, 'index.m3u8'));
      const segments = playlistSegments(fs.readFileSync(local, 'utf8'));
      expect(segments.length).toBeGreaterThan(0);
      const folder = playlist.downloadUrl.slice(0, playlist.downloadUrl.lastIndexOf('/') + 1);
      for (const segment of segments) await download(site, folder + segment.uri, path.join(dir, decodeURIComponent(segment.uri)));
      const listed = segments.reduce((sum, s) => sum + s.duration, 0);
      expect(within(listed, expected), `${playlist.fileName} lists ${listed} s`).toBe(true);
      const probe = await ffprobe(local);
      expect(playlist.trackType === 'video' ? probe.video : probe.audio).toMatchObject({ codec: playlist.trackType === 'video' ? 'h264' : 'aac' });
      expect(within(probe.duration, expected), `${playlist.fileName} plays ${probe.duration} s`).toBe(true);
    }

    // Files are only for the project's own credentials.
    expect((await fetch(`${site.t.url}${fileList[0].downloadUrl}`)).status).toBe(401);
    const channelInfo = (await call(site.t.url, 'GET', `/v1/projects/${site.project.appId}/channels/${channel}`, { auth: site.auth })).body.data;
    expect(channelInfo.recording).toEqual({ state: 'idle', sid: null });
    expect(channelInfo.participants.map((p: { role: string }) => p.role)).toEqual(['host', 'host']);
  });

  it.concurrent('mix mode: everyone in one grid with mixed audio, re-laid out live, uploaded to an S3-compatible bucket (Agora API)', async ({ expect }) => {
    const site = cloud;
    const cname = 'mix-call';
    const auth = site.auth;
    await Promise.all([publisher(site, cname, 11), publisher(site, cname, 12), publisher(site, cname, 13)]);
    const api = `/v1/apps/${site.project.appId}/cloud_recording`;
    const acquired = await call(site.t.url, 'POST', `${api}/acquire`, { auth, body: { cname, uid: '527841', clientRequest: {} } });
    const rid = acquired.body.resourceId;
    const startRequestedAt = Date.now();
    const started = await call(site.t.url, 'POST', `${api}/resourceid/${rid}/mode/mix/start`, {
      auth,
      body: {
        cname,
        uid: '527841',
        clientRequest: {
          recordingConfig: { channelType: 0, streamTypes: 2, maxIdleTime: 30, transcodingConfig: { width: 640, height: 360, fps: 15, bitrate: 600, mixedVideoLayout: 1 } },
          recordingFileConfig: { avFileType: ['hls', 'mp4'] },
          storageConfig: { vendor: 11, region: 0, bucket: 'media', accessKey: s3.accessKey, secretKey: s3.secretKey, fileNamePrefix: ['mix', 'run1'], extensionParams: { endpoint: s3.endpoint } },
        },
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const startedAt = Date.now();
    const { sid } = started.body;
    const session = `${api}/resourceid/${rid}/sid/${sid}/mode/mix`;

    await sleep(RECORD_MS / 2);
    const query = await call(site.t.url, 'GET', `${session}/query`, { auth });
    expect(agoraSchemaErrors('query-response', query.body)).toBe('');
    expect(query.body.serverResponse).toMatchObject({ status: 5, fileListMode: 'json', fileList: [], sliceStartTime: expect.any(Number) });
    const relaid = await call(site.t.url, 'POST', `${session}/updateLayout`, { auth, body: { cname, uid: '527841', clientRequest: { mixedVideoLayout: 0 } } });
    expect(relaid.status).toBe(200);
    const relaidAt = (Date.now() - startedAt) / 1000;
    await sleep(startedAt + RECORD_MS - Date.now());

    const stoppedAt = Date.now();
    const stop = await call(site.t.url, 'POST', `${session}/stop`, { auth, body: { cname, uid: '527841', clientRequest: {} } });
    const stopAnsweredAt = Date.now();
    expect(stop.status, JSON.stringify(stop.body)).toBe(200);
    expect(agoraSchemaErrors('stop-response', stop.body)).toBe('');
    expect(stop.body.serverResponse).toMatchObject({ fileListMode: 'json', uploadingStatus: 'uploaded' });
    const expected = { shortest: (stoppedAt - startedAt) / 1000, longest: (stopAnsweredAt - startRequestedAt) / 1000 };
    const files = stop.body.serverResponse.fileList;
    expect(files.map((f: { fileName: string }) => f.fileName).sort()).toEqual([expect.stringMatching(new RegExp(`^mix/run1/${sid}_${cname}.m3u8$`)), expect.stringMatching(new RegExp(`^mix/run1/${sid}_${cname}_\\d{17}\\.mp4$`))].sort());
    for (const file of files) expect(file).toMatchObject({ trackType: 'audio_and_video', uid: '0', mixedAllUser: true, isPlayable: true });

    // Everything is in the bucket: the MP4, the playlist and every segment it names.
    const bucket = s3.store('media');
    const keys = await bucket.list('mix/run1/');
    const playlist = files.find((f: { fileName: string }) => f.fileName.endsWith('.m3u8'));
    const segments = playlistSegments(await text((await bucket.get(playlist.fileName))!.body));
    expect(segments.length).toBeGreaterThan(0);
    for (const segment of segments) expect(keys).toContain(`mix/run1/${decodeURIComponent(segment.uri)}`);
    const segmentSeconds = segments.reduce((sum, s) => sum + s.duration, 0);
    expect(within(segmentSeconds, expected), `${segmentSeconds} s of segments for ${JSON.stringify(expected)} s recorded`).toBe(true);

    const mp4 = files.find((f: { fileName: string }) => f.fileName.endsWith('.mp4'));
    const local = path.join(scratch, 'mix.mp4');
    fs.writeFileSync(local, Buffer.from(await (await bucket.get(mp4.fileName))!.body.toArray().then((chunks) => Buffer.concat(chunks))));
    const probe = await ffprobe(local);
    expect(probe.video).toEqual({ codec: 'h264', width: 640, height: 360 });
    expect(probe.audio).toMatchObject({ codec: 'aac' });
    expect(within(probe.duration, expected), `${probe.duration} s of ${JSON.stringify(expected)} s`).toBe(true);

    // Best fit: three users in three quarters, the fourth empty; then floating: user 11 fills the canvas.
    const quarters = { tl: { x: 0, y: 0, width: 320, height: 180 }, tr: { x: 320, y: 0, width: 320, height: 180 }, bl: { x: 0, y: 180, width: 320, height: 180 }, br: { x: 320, y: 180, width: 320, height: 180 } };
    const grid = await regionPeaks(local, 1.5, relaidAt - 1, { width: 640, height: 360 }, quarters);
    expect(grid.tl).toBeGreaterThan(200);
    expect(grid.tr).toBeGreaterThan(200);
    expect(grid.bl).toBeGreaterThan(200);
    expect(grid.br).toBeLessThan(40);
    // Up to the file's own end: on a loaded machine the relayout's answer (relaidAt) can come late in the call.
    const floating = await regionPeaks(local, relaidAt + 1.5, probe.duration - 0.3, { width: 640, height: 360 }, { br: { x: 480, y: 190, width: 160, height: 60 } });
    expect(floating.br).toBeGreaterThan(200);

    const after = await call(site.t.url, 'GET', `${session}/query`, { auth });
    expect(after.body.serverResponse).toMatchObject({ status: 8, fileListMode: 'json', fileList: files });
    expect(agoraSchemaErrors('query-response', after.body)).toBe('');
  });

  it.concurrent('leaves by itself after maxIdleTime with nobody publishing, and keeps what it recorded', async ({ expect }) => {
    const site = local;
    const channel = 'idle-call';
    const bot = await publisher(site, channel, 21, ['audio']);
    const base = `/v1/projects/${site.project.appId}/channels/${channel}/recordings`;
    const events: DomainEvent[] = [];
    const types = ['recording.status', 'recording.recorder_joined', 'recording.recorder_left', 'recording.files_uploaded', 'recording.exited'] as const;
    const unsubscribe = types.map((type) => site.t.server.services.events.on(type, (event) => void (event.channel === channel && events.push(event))));
    const { sid } = (await call(site.t.url, 'POST', base, { auth: site.auth, body: { uid: '901', mode: 'individual', maxIdleTime: 5 } })).body.data;
    await sleep(3_000);
    await bot.leave();
    const leftAt = Date.now();
    const done = await until('the idle recorder to exit', async () => {
      const data = (await call(site.t.url, 'GET', `${base}/${sid}`, { auth: site.auth })).body.data;
      return data.status === 8 ? data : undefined;
    });
    expect((Date.now() - leftAt) / 1000).toBeGreaterThanOrEqual(4.5);
    expect(done).toMatchObject({ uploadingStatus: 'uploaded', fileList: [expect.objectContaining({ uid: '21', trackType: 'audio', isPlayable: true })] });
    const participants = (await call(site.t.url, 'GET', `/v1/projects/${site.project.appId}/channels/${channel}`, { auth: site.auth })).status;
    expect(participants).toBe(404);
    expect((await call(site.t.url, 'POST', `${base}/${sid}/stop`, { auth: site.auth })).status).toBe(409);

    // What a webhook would be told (Agora NCS product 3), in order.
    for (const off of unsubscribe) off();
    const summary = events.map((event) =>
      event.type === 'recording.status' ? `status ${event.status}` : event.type === 'recording.recorder_left' ? `left ${event.leaveCode}` : event.type === 'recording.exited' ? `exited ${event.exitStatus}` : event.type,
    );
    expect(summary).toEqual(['status 1', 'recording.recorder_joined', 'status 4', 'status 5', 'status 6', 'left 4', 'status 7', 'recording.files_uploaded', 'status 8', 'exited 0']);
    expect(events.every((event) => 'sid' in event && event.sid === sid && event.uid === '901' && event.mode === 'individual')).toBe(true);
    const uploaded = events.find((event) => event.type === 'recording.files_uploaded');
    expect(uploaded).toMatchObject({ uploadingStatus: 'uploaded', fileList: done.fileList.map(({ downloadUrl: _, ...file }: { downloadUrl: string }) => file) });
  });

  it.concurrent('reports an upload that fails, serves the files meanwhile, and retries until they are in the bucket', async ({ expect }) => {
    const site = cloud;
    const channel = 'flaky-call';
    await publisher(site, channel, 31, ['audio']);
    const base = `/v1/projects/${site.project.appId}/channels/${channel}/recordings`;
    const started = await call(site.t.url, 'POST', base, {
      auth: site.auth,
      body: { mode: 'individual', storage: { s3: { endpoint: flaky.endpoint, bucket: 'retry', accessKey: flaky.accessKey, secretKey: flaky.secretKey } } },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const { sid } = started.body.data;
    await sleep(3_000);
    await flaky.stop();
    const stop = await call(site.t.url, 'POST', `${base}/${sid}/stop`, { auth: site.auth });
    expect(stop.body.data.serverResponse).toMatchObject({ status: 8, uploadingStatus: 'backuped', fileList: [expect.objectContaining({ trackType: 'audio' })] });
    const reported = (await call(site.t.url, 'GET', `${base}/${sid}`, { auth: site.auth })).body.data;
    expect(reported.error).toMatch(/not uploaded yet .*retrying/);
    const playlist = reported.fileList[0];
    const waiting = await fetch(`${site.t.url}${playlist.downloadUrl}`, { headers: { authorization: site.auth } });
    expect(waiting.status).toBe(200);
    expect(await waiting.text()).toMatch(/^#EXTM3U/);

    await flaky.start();
    await until('the retried upload', async () => {
      const data = (await call(site.t.url, 'GET', `${base}/${sid}`, { auth: site.auth })).body.data;
      return data.uploadingStatus === 'uploaded' ? data : undefined;
    });
    const keys = await flaky.store('retry').list('');
    expect(keys).toContain(playlist.fileName);
    expect(keys.filter((key) => key.endsWith('.ts')).length).toBeGreaterThan(0);
  });
});
