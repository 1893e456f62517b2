/**
 * The recording APIs over real HTTP on both backends, without media: Parley's v1 operations and
 * Agora's Cloud Recording routes, their life cycle when nobody publishes, Agora's error codes
 * (7 duplicate start, 53 task conflict, 433 expired resource, 49 stop twice, 435 nothing recorded,
 * 404 unknown task), storage that refuses credentials, a missing ffmpeg, and every way a caller
 * can get a request wrong. Agora responses are checked against Agora's own OpenAPI schemas.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedProject } from '@parley/server';
import { agoraSchemaErrors } from '../support/agoraOpenapi.ts';
import { BACKENDS, uniqueName } from '../support/backends.ts';
import { startTestS3, type TestS3 } from '../support/s3.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

const BIG = 'x'.repeat(1024 * 1024 + 10);

let s3: TestS3;
beforeAll(async () => {
  s3 = await startTestS3(['agora-bucket']);
});
afterAll(() => s3.close());

describe.each(BACKENDS)('recording APIs on $name', (backend) => {
  let t: TestServer;
  let project: CreatedProject;
  let auth: string;

  const v1 = (channel: string, suffix = '') => `/v1/projects/${project.appId}/channels/${channel}/recordings${suffix}`;
  const agora = (suffix: string, appId = project.appId) => `/v1/apps/${appId}/cloud_recording${suffix}`;
  const storageConfig = () => ({ vendor: 11, region: 0, bucket: 'agora-bucket', accessKey: s3.accessKey, secretKey: s3.secretKey, extensionParams: { endpoint: s3.endpoint } });

  beforeAll(async () => {
    t = await startTestServer(backend, { PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS: 'true' });
    project = await t.createProject('enterprise');
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(() => t.stop());

  describe('v1', () => {
    it('starts a recording, shows it in the channel and its list, and stops it with no files when nobody published', async () => {
      const channel = uniqueName('c');
      const started = await call(t.url, 'POST', v1(channel), { auth, body: { uid: '4242', mode: 'individual', maxIdleTime: 60 } });
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      expect(started.body.data).toEqual({ resourceId: expect.any(String), sid: expect.stringMatching(/^[0-9a-f]{32}$/) });
      const { sid, resourceId } = started.body.data;

      const got = await call(t.url, 'GET', v1(channel, `/${sid}`), { auth });
      expect(got.status).toBe(200);
      expect(got.body.data).toMatchObject({ sid, resourceId, channel, uid: '4242', mode: 'individual', status: 5, statusName: 'inProgress', stoppedAt: null, sliceStartTime: null, fileList: [], uploadingStatus: null });

      const info = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}`, { auth })).body.data;
      expect(info.recording).toEqual({ state: 'recording', sid });
      expect(info.participants).toEqual([expect.objectContaining({ uid: 4242, role: 'recorder', platform: 'cloud-recording' })]);

      const list = await call(t.url, 'GET', v1(channel), { auth });
      expect(list.body.data).toEqual({ recordings: [expect.objectContaining({ sid, status: 5 })], nextCursor: null });

      const stopped = await call(t.url, 'POST', v1(channel, `/${sid}/stop`), { auth });
      expect(stopped.status, JSON.stringify(stopped.body)).toBe(200);
      expect(stopped.body.data).toEqual({ resourceId, sid, serverResponse: { status: 8, fileList: [], uploadingStatus: 'unknown' } });

      const again = await call(t.url, 'POST', v1(channel, `/${sid}/stop`), { auth });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 409, message: 'The recording has already stopped' });

      const after = (await call(t.url, 'GET', `/v1/projects/${project.appId}/channels/${channel}`, { auth })).status;
      expect(after).toBe(404);
      expect((await call(t.url, 'GET', v1(channel, `/${sid}`), { auth })).body.data).toMatchObject({ status: 8, stoppedAt: expect.any(String) });
    });

    it('refuses a second recorder with the same uid in a channel, and pages through recordings', async () => {
      const channel = uniqueName('c');
      const first = await call(t.url, 'POST', v1(channel), { auth, body: { uid: '7' } });
      expect(first.status).toBe(200);
      const second = await call(t.url, 'POST', v1(channel), { auth, body: { uid: '7' } });
      expect(second.status).toBe(409);
      expect(second.body.details.reason).toMatch(/already recording/);
      const third = await call(t.url, 'POST', v1(channel), { auth, body: {} });
      expect(third.status).toBe(200);

      const page1 = await call(t.url, 'GET', v1(channel, '?limit=1'), { auth });
      expect(page1.body.data.recordings).toHaveLength(1);
      const page2 = await call(t.url, 'GET', v1(channel, `?limit=1&cursor=${page1.body.data.nextCursor}`), { auth });
      expect(page2.body.data).toMatchObject({ recordings: [expect.anything()], nextCursor: null });
      expect(new Set([page1.body.data.recordings[0].sid, page2.body.data.recordings[0].sid])).toEqual(new Set([first.body.data.sid, third.body.data.sid]));
      for (const { sid } of [first.body.data, third.body.data]) expect((await call(t.url, 'POST', v1(channel, `/${sid}/stop`), { auth, body: { async: true } })).status).toBe(200);
    });

    it('lists a project\'s recordings across channels, newest first, or of one channel, a page at a time', async () => {
      const fresh = await t.createProject('enterprise');
      const freshAuth = basic(fresh.customerId, fresh.customerSecret!);
      const inProject = (channel: string) => `/v1/projects/${fresh.appId}/channels/${channel}/recordings`;
      const list = (query = '') => call(t.url, 'GET', `/v1/projects/${fresh.appId}/recordings${query}`, { auth: freshAuth });
      expect((await list()).body.data).toEqual({ recordings: [], nextCursor: null });
      const sids: string[] = [];
      for (const channel of ['room-a', 'room-b', 'room-a']) {
        const started = await call(t.url, 'POST', inProject(channel), { auth: freshAuth, body: {} });
        expect(started.status, JSON.stringify(started.body)).toBe(200);
        sids.push(started.body.data.sid);
      }
      const all = (await list()).body.data.recordings as Array<{ sid: string; channel: string }>;
      expect(all.map((r) => r.sid)).toEqual([...sids].reverse());
      expect(((await list('?channel=room-a')).body.data.recordings as Array<{ channel: string }>).map((r) => r.channel)).toEqual(['room-a', 'room-a']);
      const first = (await list('?limit=2')).body.data;
      const rest = (await list(`?limit=2&cursor=${first.nextCursor}`)).body.data;
      expect([...first.recordings, ...rest.recordings].map((r: { sid: string }) => r.sid)).toEqual([...sids].reverse());
      expect(rest.nextCursor).toBeNull();
      // Bad input is refused with the field at fault; another account sees nothing of it.
      expect((await list('?channel=')).body.details.field).toBe('channel');
      expect((await list('?limit=0')).body.details.field).toBe('limit');
      expect((await list('?cursor=%21%21')).status).toBe(400);
      expect((await call(t.url, 'GET', `/v1/projects/${fresh.appId}/recordings`, { auth })).status).toBe(404);
      expect((await call(t.url, 'GET', `/v1/projects/${fresh.appId}/recordings`)).status).toBe(401);
      for (let i = 0; i < sids.length; i++) await call(t.url, 'POST', inProject(['room-a', 'room-b', 'room-a'][i]!) + `/${sids[i]}/stop`, { auth: freshAuth, body: { async: true } });
    });

    it('answers 404 for unknown recordings, recordings of another channel and unknown files', async () => {
      const channel = uniqueName('c');
      const { sid } = (await call(t.url, 'POST', v1(channel), { auth, body: {} })).body.data;
      const unknown = 'f'.repeat(32);
      expect((await call(t.url, 'GET', v1(channel, `/${unknown}`), { auth })).status).toBe(404);
      expect((await call(t.url, 'POST', v1(channel, `/${unknown}/stop`), { auth })).status).toBe(404);
      expect((await call(t.url, 'GET', v1('elsewhere', `/${sid}`), { auth })).status).toBe(404);
      const file = await call(t.url, 'GET', `/v1/projects/${project.appId}/recordings/${sid}/files/${sid}_x.m3u8`, { auth });
      expect(file.status).toBe(404);
      expect((await call(t.url, 'GET', `/v1/projects/${project.appId}/recordings/${sid}/files/..%2F..%2Fparley.db`, { auth })).status).toBe(404);
      await call(t.url, 'POST', v1(channel, `/${sid}/stop`), { auth });
    });

    it('refuses bad input with 400, 413 and 415', async () => {
      const channel = uniqueName('c');
      const bad = async (body: unknown, field: string) => {
        const res = await call(t.url, 'POST', v1(channel), { auth, body });
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body).toMatchObject({ code: 400, details: { field } });
      };
      await bad({ mode: 'web' }, 'mode');
      await bad({ avFileType: ['mp4'] }, 'avFileType');
      await bad({ avFileType: ['hls', 'hls'] }, 'avFileType');
      await bad({ uid: '0' }, 'uid');
      await bad({ uid: 12 }, 'uid');
      await bad({ maxIdleTime: 2 }, 'maxIdleTime');
      await bad({ subscribeAudioUids: ['1'], unsubscribeAudioUids: ['2'] }, 'subscribeAudioUids');
      await bad({ subscribeVideoUids: Array.from({ length: 33 }, (_, i) => String(i)) }, 'subscribeVideoUids');
      await bad({ transcodingConfig: { width: 1920, height: 1920 } }, 'transcodingConfig.width');
      await bad({ transcodingConfig: { mixedVideoLayout: 3 } }, 'transcodingConfig.layoutConfig');
      await bad({ transcodingConfig: { backgroundColor: 'red' } }, 'transcodingConfig.backgroundColor');
      await bad({ storage: { fileNamePrefix: ['a/b'] } }, 'storage.fileNamePrefix.0');
      await bad({ storage: { fileNamePrefix: ['a'.repeat(100), 'b'.repeat(100)] } }, 'storage.fileNamePrefix');
      await bad({ surprise: true }, 'surprise');
      expect((await call(t.url, 'POST', v1(channel), { auth, rawBody: '{"mode":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
      expect((await call(t.url, 'POST', v1(channel), { auth, rawBody: `{"pad":"${BIG}"}`, headers: { 'content-type': 'application/json' } })).status).toBe(413);
      expect((await call(t.url, 'POST', v1(channel), { auth, rawBody: 'mode=mix', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
      expect((await call(t.url, 'POST', v1('bad/name'), { auth, body: {} })).status).toBe(404);
      const badChannel = await call(t.url, 'POST', `/v1/projects/${project.appId}/channels/${'x'.repeat(64)}/recordings`, { auth, body: {} });
      expect(badChannel.body).toMatchObject({ code: 400, message: 'Invalid channel name format' });
      expect((await call(t.url, 'GET', v1(channel, '/not-a-sid'), { auth })).status).toBe(400);
      expect((await call(t.url, 'GET', v1(channel, '?cursor=bad!'), { auth })).status).toBe(400);
      expect((await call(t.url, 'GET', v1(channel, `?cursor=${Buffer.from('1:zz').toString('base64url')}`), { auth })).status).toBe(400);
      expect((await call(t.url, 'POST', v1(channel, `/${'a'.repeat(32)}/stop`), { auth, body: { async: 'yes' } })).status).toBe(400);
    });

    it('refuses callers without valid Basic credentials for the project', async () => {
      const channel = uniqueName('c');
      const paths: Array<[string, string]> = [
        ['POST', v1(channel)],
        ['GET', v1(channel)],
        ['GET', v1(channel, `/${'a'.repeat(32)}`)],
        ['POST', v1(channel, `/${'a'.repeat(32)}/stop`)],
        ['GET', `/v1/projects/${project.appId}/recordings/${'a'.repeat(32)}/files/x.mp4`],
      ];
      const other = await t.createProject();
      const token = (await call(t.url, 'POST', `/v1/projects/${project.appId}/tokens`, { auth, body: { channel, uid: 1, role: 'subscriber', expireSeconds: 600 } })).body.data.token;
      for (const [method, path] of paths) {
        const body = method === 'POST' ? {} : undefined;
        expect((await call(t.url, method, path, { body })).status, path).toBe(401);
        expect((await call(t.url, method, path, { body, auth: basic(project.customerId, 'f'.repeat(32)) })).status, path).toBe(401);
        expect((await call(t.url, method, path, { body, auth: basic(other.customerId, other.customerSecret!) })).status, path).toBe(404);
        expect((await call(t.url, method, path, { body, auth: `Bearer ${token}` })).status, path).toBe(403);
      }
    });

    it('says at start when the storage refuses the credentials, has no such bucket or is private', async () => {
      const channel = uniqueName('c');
      const s3Storage = (overrides: object) => ({ storage: { s3: { endpoint: s3.endpoint, bucket: 'agora-bucket', accessKey: s3.accessKey, secretKey: s3.secretKey, ...overrides } } });
      const refused = await call(t.url, 'POST', v1(channel), { auth, body: s3Storage({ accessKey: 'nobody' }) });
      expect(refused.status).toBe(400);
      expect(refused.body.details).toEqual({ field: 'storage', reason: expect.stringMatching(/access key or secret key was refused/) });
      const missing = await call(t.url, 'POST', v1(channel), { auth, body: s3Storage({ bucket: 'nope' }) });
      expect(missing.body.details.reason).toMatch(/bucket nope does not exist/);
      const unreachable = await call(t.url, 'POST', v1(channel), { auth, body: s3Storage({ endpoint: 'http://127.0.0.1:9' }) });
      expect(unreachable.body.details.reason).toMatch(/cannot reach the storage/);
      // Nothing started: the channel is not being recorded.
      expect((await call(t.url, 'GET', v1(channel), { auth })).body.data.recordings).toEqual([]);
    });
  });

  describe('Agora Cloud Recording', () => {
    // Agora allows 10 requests a second per account and endpoint: each test gets an account of its own.
    beforeEach(async () => {
      project = await t.createProject('enterprise');
      auth = basic(project.customerId, project.customerSecret!);
    });

    const body = (cname: string, uid: string, clientRequest: object = {}) => ({ cname, uid, clientRequest });

    async function acquire(cname: string, uid: string) {
      const res = await call(t.url, 'POST', agora('/acquire'), { auth, body: body(cname, uid, { resourceExpiredHour: 24, scene: 0 }) });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(agoraSchemaErrors('acquire-response', res.body)).toBe('');
      expect(Object.keys(res.body).sort()).toEqual(['cname', 'resourceId', 'uid']);
      return res.body.resourceId as string;
    }

    async function start(cname: string, uid: string, mode = 'mix', clientRequest: object = { storageConfig: storageConfig(), recordingConfig: { channelType: 0, maxIdleTime: 60 } }) {
      const rid = await acquire(cname, uid);
      const res = await call(t.url, 'POST', agora(`/resourceid/${rid}/mode/${mode}/start`), { auth, body: body(cname, uid, clientRequest) });
      return { rid, res, sid: res.body.sid as string };
    }

    it('acquires, starts, queries, updates, re-lays out and stops, every answer in Agora\'s shapes', async () => {
      const cname = uniqueName('c');
      const { rid, res, sid } = await start(cname, '527841');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(agoraSchemaErrors('start-response', res.body)).toBe('');
      expect(res.body).toEqual({ cname, uid: '527841', resourceId: rid, sid: expect.stringMatching(/^[0-9a-f]{32}$/) });

      const base = `/resourceid/${rid}/sid/${sid}/mode/mix`;
      const query = await call(t.url, 'GET', agora(`${base}/query`), { auth });
      expect(query.status).toBe(200);
      expect(agoraSchemaErrors('query-response', query.body)).toBe('');
      expect(query.body).toEqual({ cname, uid: '527841', resourceId: rid, sid, serverResponse: { status: 5, fileListMode: 'string', fileList: '', sliceStartTime: 0 } });

      const update = await call(t.url, 'POST', agora(`${base}/update`), {
        auth,
        body: body(cname, '527841', { streamSubscribe: { audioUidList: { subscribeAudioUids: ['#allstream#'] }, videoUidList: { unsubscribeVideoUids: ['99'] } } }),
      });
      expect(update.status, JSON.stringify(update.body)).toBe(200);
      expect(agoraSchemaErrors('session-response', update.body)).toBe('');
      expect(update.body).toEqual({ cname, uid: '527841', resourceId: rid, sid });

      const layout = await call(t.url, 'POST', agora(`${base}/updateLayout`), {
        auth,
        body: body(cname, '527841', { mixedVideoLayout: 3, backgroundColor: '#336699', layoutConfig: [{ x_axis: 0, y_axis: 0, width: 0.5, height: 0.5 }] }),
      });
      expect(layout.status, JSON.stringify(layout.body)).toBe(200);
      expect(agoraSchemaErrors('session-response', layout.body)).toBe('');

      // Nobody published: the task stops, and Agora's answer is 206 with code 435.
      const stop = await call(t.url, 'POST', agora(`${base}/stop`), { auth, body: body(cname, '527841') });
      expect(stop.status).toBe(206);
      expect(stop.body).toEqual({ code: 435, reason: 'no recorded data' });
      const again = await call(t.url, 'POST', agora(`${base}/stop`), { auth, body: body(cname, '527841', { async_stop: false }) });
      expect(again.status).toBe(400);
      expect(again.body).toEqual({ code: 49, reason: 'invalid operation' });
      const after = await call(t.url, 'GET', agora(`${base}/query`), { auth });
      expect(after.body.serverResponse.status).toBe(8);
      for (const path of ['update', 'updateLayout']) {
        const late = await call(t.url, 'POST', agora(`${base}/${path}`), { auth, body: body(cname, '527841', {}) });
        expect(late.status).toBe(404);
        expect(late.body).toEqual({ code: 404, reason: 'failed to find worker' });
      }
    });

    it('answers code 7 to a repeated start, 53 to a second task with the same uid, 433 to an expired resource', async () => {
      const cname = uniqueName('c');
      const { rid, sid } = await start(cname, '100');
      const clientRequest = { storageConfig: storageConfig(), recordingConfig: { channelType: 0 } };
      const repeat = await call(t.url, 'POST', agora(`/resourceid/${rid}/mode/mix/start`), { auth, body: body(cname, '100', clientRequest) });
      expect(repeat.status).toBe(201);
      expect(repeat.body).toEqual({ code: 7, reason: 'already started' });

      const conflict = await start(cname, '100', 'individual', clientRequest);
      expect(conflict.res.status).toBe(400);
      expect(conflict.res.body).toEqual({ code: 53, reason: 'task conflict' });

      const expiring = await acquire(cname, '101');
      await t.server.services.store.db.updateTable('recording_resources').set({ expires_at: Date.now() - 1 }).where('resource_id', '=', expiring).execute();
      const expired = await call(t.url, 'POST', agora(`/resourceid/${expiring}/mode/mix/start`), { auth, body: body(cname, '101', clientRequest) });
      expect(expired.status).toBe(400);
      expect(expired.body).toEqual({ code: 433, reason: 'resource expired' });

      const mismatch = await call(t.url, 'POST', agora(`/resourceid/${await acquire(cname, '102')}/mode/mix/start`), { auth, body: body(cname, '103', clientRequest) });
      expect(mismatch.body).toMatchObject({ code: 432 });
      const unknownRid = await call(t.url, 'POST', agora('/resourceid/nope/mode/mix/start'), { auth, body: body(cname, '104', clientRequest) });
      expect(unknownRid.body).toMatchObject({ code: 1001 });
      await call(t.url, 'POST', agora(`/resourceid/${rid}/sid/${sid}/mode/mix/stop`), { auth, body: body(cname, '100', { async_stop: true }) });
    });

    it('answers 404 "failed to find worker" for unknown tasks and mismatched paths', async () => {
      const cname = uniqueName('c');
      const { rid, sid } = await start(cname, '200');
      const unknown = 'a'.repeat(32);
      for (const path of [`/resourceid/${rid}/sid/${unknown}/mode/mix/query`, `/resourceid/other/sid/${sid}/mode/mix/query`, `/resourceid/${rid}/sid/short/mode/mix/query`]) {
        const res = await call(t.url, 'GET', agora(path), { auth });
        expect(res.status, path).toBe(404);
        expect(res.body).toEqual({ code: 404, reason: 'failed to find worker' });
      }
      expect((await call(t.url, 'POST', agora(`/resourceid/${rid}/sid/${unknown}/mode/mix/stop`), { auth, body: body(cname, '200') })).body).toEqual({ code: 404, reason: 'failed to find worker' });
      const wrongMode = await call(t.url, 'GET', agora(`/resourceid/${rid}/sid/${sid}/mode/individual/query`), { auth });
      expect(wrongMode.body).toMatchObject({ code: 2 });
      const wrongUid = await call(t.url, 'POST', agora(`/resourceid/${rid}/sid/${sid}/mode/mix/stop`), { auth, body: body(cname, '201') });
      expect(wrongUid.body).toMatchObject({ code: 2 });
      await call(t.url, 'POST', agora(`/resourceid/${rid}/sid/${sid}/mode/mix/stop`), { auth, body: body(cname, '200', { async_stop: true }) });
    });

    it('refuses bad input with code 2 and Agora\'s specific codes', async () => {
      const cname = uniqueName('c');
      const expectError = async (path: string, sent: unknown, status: number, code: number, reason?: RegExp) => {
        const res = await call(t.url, 'POST', agora(path), { auth, body: sent });
        expect(res.status, JSON.stringify(sent)).toBe(status);
        expect(res.body, JSON.stringify(sent)).toEqual({ code, reason: reason ? expect.stringMatching(reason) : expect.any(String) });
      };
      await expectError('/acquire', { uid: '1', clientRequest: {} }, 400, 2, /cname/);
      await expectError('/acquire', body(cname, '0'), 400, 2, /uid/);
      await expectError('/acquire', body(cname, 'abc'), 400, 2, /uid/);
      await expectError('/acquire', { cname, uid: '1' }, 400, 2, /clientRequest/);
      await expectError('/acquire', body(cname, '1', { resourceExpiredHour: 721 }), 400, 2, /resourceExpiredHour/);
      await expectError('/acquire', body(cname, '1', { scene: 1 }), 400, 2, /scene/);
      await expectError('/acquire', body('bad/channel', '1'), 400, 401, /invalid_channel_name/);

      const rid = await acquire(cname, '300');
      const startPath = `/resourceid/${rid}/mode/mix/start`;
      const good = { storageConfig: storageConfig(), recordingConfig: { channelType: 0 } };
      await expectError(`/resourceid/${rid}/mode/web/start`, body(cname, '300', good), 400, 2, /web page recording/);
      await expectError(`/resourceid/${rid}/mode/nope/start`, body(cname, '300', good), 400, 2, /mode/);
      await expectError(startPath, body(cname, '300', { ...good, recordingConfig: {} }), 400, 2, /channelType/);
      await expectError(startPath, body(cname, '300', { ...good, recordingFileConfig: { avFileType: ['mp4'] } }), 400, 2, /avFileType/);
      await expectError(startPath, body(cname, '300', { ...good, recordingConfig: { channelType: 0, subscribeAudioUids: ['1'], unsubscribeAudioUids: ['2'] } }), 400, 2, /cannot be set together/);
      await expectError(startPath, body(cname, '300', { ...good, recordingConfig: { channelType: 0, maxIdleTime: 1 } }), 400, 2, /maxIdleTime/);
      await expectError(startPath, body(cname, '300', { ...good, storageConfig: { ...storageConfig(), vendor: 2 } }), 400, 2, /vendor 2 is not supported/);
      // The rest of the starts fall in the next one-second rate window.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await expectError(startPath, body(cname, '300', { ...good, storageConfig: { ...storageConfig(), extensionParams: {} } }), 400, 2, /endpoint/);
      await expectError(startPath, body(cname, '300', { ...good, storageConfig: { ...storageConfig(), accessKey: 'nobody' } }), 400, 2, /storageConfig: .*refused/);
      await expectError(startPath, body(cname, '300', { ...good, snapshotConfig: { captureInterval: 5, fileType: ['jpg'] } }), 400, 2, /snapshotConfig/);
      await expectError(startPath, body(cname, '300', { ...good, recordingConfig: { channelType: 0, decryptionMode: 1 } }), 400, 2, /decryptionMode/);

      const malformed = await call(t.url, 'POST', agora('/acquire'), { auth, rawBody: '{"cname":', headers: { 'content-type': 'application/json' } });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toEqual({ code: 2, reason: expect.any(String) });
      const plain = await call(t.url, 'POST', agora('/acquire'), { auth, rawBody: 'cname=x', headers: { 'content-type': 'text/plain' } });
      expect(plain.status).toBe(415);
      expect(plain.body).toEqual({ code: 2, reason: expect.any(String) });
      const big = await call(t.url, 'POST', agora('/acquire'), { auth, rawBody: `{"cname":"${BIG}"}`, headers: { 'content-type': 'application/json' } });
      expect(big.status).toBe(413);
      expect(big.body).toEqual({ message: 'Request size limit exceeded' });
    });

    it('answers like Agora\'s gateway for missing or wrong credentials, foreign App IDs and unknown routes', async () => {
      const acquireBody = body(uniqueName('c'), '1');
      expect(await call(t.url, 'POST', agora('/acquire'), { body: acquireBody })).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      expect(await call(t.url, 'POST', agora('/acquire'), { body: acquireBody, auth: basic(project.customerId, 'f'.repeat(32)) })).toMatchObject({
        status: 401,
        body: { message: 'Invalid authentication credentials' },
      });
      expect(await call(t.url, 'GET', agora(`/resourceid/x/sid/${'a'.repeat(32)}/mode/mix/query`), {})).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      const other = await t.createProject();
      expect(await call(t.url, 'POST', agora('/acquire', other.appId), { body: acquireBody, auth })).toMatchObject({ status: 400, body: { code: 400, reason: 'invalid_appid' } });
      expect(await call(t.url, 'POST', agora('/acquire', 'not-an-app'), { body: acquireBody, auth })).toMatchObject({ status: 400, body: { code: 400, reason: 'invalid_appid' } });
      expect(await call(t.url, 'POST', agora('/nothing-here'), { body: acquireBody, auth })).toMatchObject({ status: 404, body: { message: 'no Route matched with those values' } });
      expect(await call(t.url, 'GET', agora('/acquire'), { auth })).toMatchObject({ status: 404, body: { message: 'no Route matched with those values' } });
    });

    it('limits each endpoint to 10 requests a second per account, as Agora does', async () => {
      const path = agora(`/resourceid/x/sid/${'a'.repeat(32)}/mode/mix/query`);
      // 22 at once: even if they straddle two one-second windows, one of them holds 11 or more.
      const answers = await Promise.all(Array.from({ length: 22 }, () => call(t.url, 'GET', path, { auth })));
      const limited = answers.filter((res) => res.status === 429);
      expect(answers.filter((res) => res.status === 404).length).toBeLessThanOrEqual(20);
      expect(limited.length).toBeGreaterThanOrEqual(2);
      expect(limited[0]!.body).toEqual({ message: 'API rate limit exceeded' });
      // Another endpoint has its own budget.
      expect((await call(t.url, 'POST', agora('/acquire'), { auth, body: body(uniqueName('c'), '1') })).status).toBe(200);
    });
  });
});

describe('recording without ffmpeg', () => {
  let t: TestServer;
  let auth: string;
  let appId: string;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_FFMPEG_PATH: '/nonexistent/ffmpeg' });
    const project = await t.createProject('pro');
    appId = project.appId;
    auth = basic(project.customerId, project.customerSecret!);
  });
  afterAll(() => t.stop());

  it('says clearly at start that ffmpeg is missing, on both APIs', async () => {
    const v1 = await call(t.url, 'POST', `/v1/projects/${appId}/channels/room/recordings`, { auth, body: {} });
    expect(v1.status).toBe(503);
    expect(v1.body.details.reason).toMatch(/ffmpeg is not available at \/nonexistent\/ffmpeg \(PARLEY_FFMPEG_PATH\)/);
    const rid = (await call(t.url, 'POST', `/v1/apps/${appId}/cloud_recording/acquire`, { auth, body: { cname: 'room', uid: '5', clientRequest: {} } })).body.resourceId;
    const agora = await call(t.url, 'POST', `/v1/apps/${appId}/cloud_recording/resourceid/${rid}/mode/individual/start`, {
      auth,
      body: { cname: 'room', uid: '5', clientRequest: { recordingConfig: { channelType: 0 } } },
    });
    expect(agora.status).toBe(500);
    expect(agora.body).toEqual({ code: 502, reason: expect.stringMatching(/^Failed to allocate worker: ffmpeg is not available/) });
  });

  it('refuses storage endpoints on private addresses unless allowed', async () => {
    const res = await call(t.url, 'POST', `/v1/projects/${appId}/channels/room/recordings`, {
      auth,
      body: { storage: { s3: { endpoint: 'http://127.0.0.1:9000', bucket: 'b', accessKey: 'k', secretKey: 's' } } },
    });
    expect(res.status).toBe(400);
    expect(res.body.details.reason).toMatch(/loopback address .*PARLEY_RECORDING_ALLOW_PRIVATE_ENDPOINTS/);
  });
});
