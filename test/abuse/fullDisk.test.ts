/**
 * A full disk under a running `parley serve` (SQLite on a small tmpfs): joins and leaves that
 * happen while nothing can be written are kept and retried, /readyz says unready, channel writes
 * answer 503 in the envelope. Once the disk has room again every leave lands at the time it
 * happened, with exactly one join and one leave notice per session, and /readyz is ready again.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { exited, PARLEY_BIN, serveProcess } from '../support/parleyProcess.ts';
import { basic, call } from '../support/server.ts';
import { mountSmallDisk, type SmallDisk } from '../support/smallDisk.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';
import { BotClient } from '../support/wrtcClient.ts';

const exec = promisify(execFile);

describe('a full disk under a running server', () => {
  let disk: SmallDisk | undefined;
  let server: ChildProcess | undefined;
  let receiver: WebhookReceiver | undefined;
  const bots: BotClient[] = [];
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    if (server && server.exitCode === null) {
      server.kill('SIGKILL');
      await exited(server);
    }
    await receiver?.close();
    disk?.remove();
  });

  it('keeps the leaves it could not write, is unready and answers 503 meanwhile, and lands them once there is room', { timeout: 60_000 }, async () => {
    disk = mountSmallDisk(16);
    const dataDir = path.join(disk.dir, 'data');
    const project = JSON.parse((await exec(process.execPath, [PARLEY_BIN, 'project', 'create', '--name', 'Full', '--plan', 'pro', '--json', '--data-dir', dataDir])).stdout);
    const auth = basic(project.customerId, project.customerSecret);
    const port = 20000 + Math.floor(Math.random() * 20000);
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    server = await serveProcess(dataDir, port, { args: ['--webhook-allow-private'], env: { PARLEY_WEBHOOK_RETRY_BASE_MS: '50' } });
    receiver = await WebhookReceiver.start();
    const webhook = await call(url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url } });
    expect(webhook.status).toBe(200);
    receiver.secret = webhook.body.data.secret;
    const join = async (uid: number) => {
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'call', uid, role: 'publisher', tokenExpireSeconds: 600 });
      const bot = await BotClient.join({ url, appId: project.appId, channel: 'call', uid, token });
      bots.push(bot);
      return bot;
    };
    const sessions = async () => (await call(url, 'GET', `/v1/projects/${project.appId}/sessions`, { auth })).body.data.sessions as Array<{ uid: number; leftAt: string | null }>;

    const first = await join(1);
    await expect.poll(async () => (await sessions()).length).toBe(1);

    disk.fill();
    const second = await join(2);
    const firstLeftFrom = Date.now();
    await first.leave();
    const third = await join(3);
    await third.leave();

    // Unready while nothing can be written, and writes through the API answer 503 in the envelope.
    await expect.poll(async () => (await call(url, 'GET', '/readyz')).status, { timeout: 5_000 }).toBe(503);
    const refused = await call(url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'later' } });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ code: 503, message: 'Service unavailable', details: { reason: expect.stringMatching(/cannot write/) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Reads still work: the first session is still open, its leave not written yet.
    expect((await sessions()).map((s) => [s.uid, s.leftAt])).toEqual([[1, null]]);

    const freedAt = Date.now();
    disk.free();
    await expect.poll(async () => (await call(url, 'GET', '/readyz')).status, { timeout: 10_000 }).toBe(200);
    await second.leave();
    await expect.poll(async () => (await sessions()).filter((s) => s.leftAt !== null).length, { timeout: 10_000 }).toBe(3);

    // Each leave landed at the time it happened, not when the disk had room again.
    const closed = await sessions();
    const leftAt = (uid: number) => Date.parse(closed.find((s) => s.uid === uid)!.leftAt!);
    expect(leftAt(1)).toBeGreaterThanOrEqual(firstLeftFrom);
    expect(leftAt(1)).toBeLessThan(freedAt);
    expect(leftAt(3)).toBeLessThan(freedAt);

    // One join and one leave notice per session, each delivered once.
    await receiver.waitFor(() => receiver!.accepted().filter((n) => n.body.eventType === 108).length >= 3, 15_000);
    await receiver.waitFor(() => receiver!.accepted().some((n) => n.body.eventType === 102), 10_000);
    const accepted = receiver.accepted();
    expect(new Set(accepted.map((n) => n.body.noticeId)).size).toBe(accepted.length);
    const sids = (type: number) => accepted.filter((n) => n.body.eventType === type).map((n) => n.body.sid as string).sort();
    expect(sids(107)).toHaveLength(3);
    expect(sids(108)).toEqual(sids(107));
    expect(accepted.filter((n) => n.body.eventType === 101)).toHaveLength(1);

    // Usage agrees: at most two were ever in the call together.
    const usage = await call(url, 'GET', `/v1/projects/${project.appId}/usage?from=${new Date(started - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}&granularity=hour`, { auth });
    expect(usage.body.data.totals).toMatchObject({ sessions: 3, peakConcurrentUsers: 2 });
    expect((await call(url, 'POST', `/v1/projects/${project.appId}/rtc/channels`, { auth, body: { channel: 'later' } })).status).toBe(200);
  });
});
