/**
 * A server killed with -9 in the middle of two recordings (individual and mix): no ffmpeg of
 * theirs outlives it, and the next start marks both as exited abnormally (20) and makes what they
 * had captured into playable, listed files. Their webhook notices, from before and after the
 * kill, are numbered 0, 1, 2… per task with no gap and no repeat.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { ffprobe } from '../support/media.ts';
import { freePort, exited, PARLEY_BIN as BIN, serveProcess } from '../support/parleyProcess.ts';
import { basic, call } from '../support/server.ts';
import { waitUntil } from '../support/waitUntil.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';
import { BotClient } from '../support/wrtcClient.ts';

const exec = promisify(execFile);
/** Seconds of media each recording captures before the server is killed. */
const RECORD_SECONDS = 5;

function serve(dataDir: string, port: number): Promise<ChildProcess> {
  return serveProcess(dataDir, port, { env: { PARLEY_RTC_PORT_MIN: '42000', PARLEY_RTC_PORT_MAX: '42199', PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '50' } });
}

/** Processes whose command line carries `marker` (Parley names its ffmpeg processes `parley-ffmpeg:<sid>…`). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes(marker)) found.push(Number(entry));
    } catch {
      // The process ended while being looked at.
    }
  }
  return found;
}

describe('a server killed during recordings', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rec-restart-'));
  const bots: BotClient[] = [];
  let server: ChildProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    await receiver?.close();
    server?.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no ffmpeg behind and finalises the partial recordings at the next start', async () => {
    const project = JSON.parse((await exec(process.execPath, [BIN, 'project', 'create', '--name', 'R', '--plan', 'enterprise', '--json', '--data-dir', dataDir])).stdout);
    const auth = basic(project.customerId, project.customerSecret);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    server = await serve(dataDir, port);
    receiver = await WebhookReceiver.start();
    const webhook = await call(url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url, events: ['recording'] } });
    expect(webhook.status, JSON.stringify(webhook.body)).toBe(200);
    receiver.secret = webhook.body.data.secret;

    const join = async (channel: string, uid: number) => {
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600 });
      const bot = await BotClient.join({ url, appId: project.appId, channel, uid, token });
      bots.push(bot);
      await bot.publish(['audio', 'video'], { width: 320, height: 240, fps: 15 });
    };
    await Promise.all([join('crash-individual', 1), join('crash-mix', 2), join('crash-mix', 3)]);
    const start = async (channel: string, body: object) => {
      const res = await call(url, 'POST', `/v1/projects/${project.appId}/channels/${channel}/recordings`, { auth, body });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.sid as string;
    };
    // Before the first start request: a recording may begin capturing before its answer arrives.
    const startedAt = Date.now();
    const individual = await start('crash-individual', { mode: 'individual', avFileType: ['hls', 'mp4'] });
    const mix = await start('crash-mix', { mode: 'mix', avFileType: ['hls', 'mp4'], transcodingConfig: { width: 480, height: 270, mixedVideoLayout: 1 } });
    // The mix: an encoder and a decoder per track; individual: a live transcoder per track.
    await waitUntil(() => processesWith(`parley-ffmpeg:${mix}`).length === 5 && processesWith(`parley-ffmpeg:${individual}`).length === 2, 'the recordings\' ffmpeg processes', { timeoutMs: 15_000 });
    const mediaSince = async (channel: string, sid: string) =>
      (await call(url, 'GET', `/v1/projects/${project.appId}/channels/${channel}/recordings/${sid}`, { auth })).body.data?.sliceStartTime as number | null;
    const recordingSince = await waitUntil(async () => Math.max((await mediaSince('crash-individual', individual)) ?? 0, (await mediaSince('crash-mix', mix)) ?? 0) || 0, 'media in both recordings', { timeoutMs: 15_000 });
    await waitUntil(() => Date.now() - recordingSince >= RECORD_SECONDS * 1000, `${RECORD_SECONDS} s of media`, { timeoutMs: 20_000 });

    server.kill('SIGKILL');
    await exited(server);
    const recordedSeconds = (Date.now() - startedAt) / 1000;
    // The mix's encoder and decoders read from the dead server's pipes: they end with it.
    await waitUntil(() => processesWith(`parley-ffmpeg:${mix}`).length === 0, 'the mix\'s ffmpeg processes to end', { timeoutMs: 5_000 }).catch(() => {});
    expect(processesWith(`parley-ffmpeg:${mix}`)).toEqual([]);
    expect(processesWith(`parley-ffmpeg:${individual}`)).toEqual([]);

    server = await serve(dataDir, port);
    const recording = (channel: string, sid: string) => call(url, 'GET', `/v1/projects/${project.appId}/channels/${channel}/recordings/${sid}`, { auth });
    for (const [channel, sid] of [['crash-individual', individual], ['crash-mix', mix]] as const) {
      const first = (await recording(channel, sid)).body.data;
      expect(first).toMatchObject({ status: 20, statusName: 'exitedAbnormally', error: expect.stringMatching(/server stopped during the recording/) });
      const data = await waitUntil(async () => {
        const current = (await recording(channel, sid)).body.data;
        return current.uploadingStatus === 'uploaded' ? current : undefined;
      }, `${channel}'s files uploaded`, { timeoutMs: 20_000 }).catch(async () => (await recording(channel, sid)).body.data);
      expect(data.uploadingStatus, JSON.stringify(data)).toBe('uploaded');
      expect(data.status).toBe(20);
      const mp4s = data.fileList.filter((file: { fileName: string }) => file.fileName.endsWith('.mp4'));
      expect(mp4s.length).toBe(channel === 'crash-mix' ? 1 : 2);
      expect(data.fileList.some((file: { fileName: string }) => file.fileName.endsWith('.m3u8'))).toBe(true);
      for (const file of mp4s) {
        expect(file.isPlayable).toBe(true);
        const probe = await ffprobe(`${url}${file.downloadUrl}`, `Authorization: ${auth}\r\n`);
        expect(probe.duration, file.fileName).toBeGreaterThan(recordedSeconds * 0.7);
        expect(probe.duration, file.fileName).toBeLessThan(recordedSeconds * 1.1);
      }
    }

    // The recorders' sessions were closed by the restart too, and the work folders are gone.
    const sessions = (await call(url, 'GET', `/v1/projects/${project.appId}/sessions`, { auth })).body.data.sessions;
    const recorders = sessions.filter((s: { role: string }) => s.role === 'recorder');
    expect(recorders).toHaveLength(2);
    for (const session of recorders) expect(session.leaveReason).toBe(4);
    expect(fs.readdirSync(path.join(dataDir, 'recording-work'))).toEqual([]);

    // Each task's notices, numbered 0… with no gap and no repeat across the kill: before it status
    // 1, recorder in, 4, 5; after it the recorder out first, and status 20 and the exit last.
    const noticesOf = (sid: string) => receiver!.accepted().filter((n) => n.body.sid === sid);
    for (const sid of [individual, mix]) {
      await receiver.waitFor(() => noticesOf(sid).some((n) => n.body.eventType === 11), 20_000);
      const numbered = noticesOf(sid).map((n) => ({ sequence: n.body.payload.sequence as number, eventType: n.body.eventType }));
      numbered.sort((x, y) => x.sequence - y.sequence);
      expect(numbered.map((n) => n.sequence), sid).toEqual(numbered.map((_, i) => i));
      const types = numbered.map((n) => n.eventType);
      expect(types.slice(0, 5), sid).toEqual([3, 40, 3, 3, 41]);
      expect(types.slice(-2), sid).toEqual([3, 11]);
    }

    server.kill('SIGTERM');
    await exited(server);
    server = undefined;
  });
});
