/**
 * Webhooks across a crash: `parley serve` is killed with -9 during a call while its notices are
 * still pending (the receiver is failing). After the restart every pending notice is delivered,
 * and the sessions the crash left open get their leave (reason 4) and their channel its destroy:
 * nothing is lost, every join has exactly one leave.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { basic, call } from '../support/server.ts';
import { WebhookReceiver } from '../support/webhookReceiver.ts';
import { BotClient } from '../support/wrtcClient.ts';
import { freePort, exited, PARLEY_BIN as BIN, serveProcess } from '../support/parleyProcess.ts';

const exec = promisify(execFile);

const serve = (dataDir: string, port: number) =>
  serveProcess(dataDir, port, { args: ['--webhook-allow-private'], env: { PARLEY_WEBHOOK_RETRY_BASE_MS: '50' } });

describe('webhooks across a crash', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-webhook-crash-'));
  const bots: BotClient[] = [];
  let receiver: WebhookReceiver | undefined;
  let server: ChildProcess | undefined;
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await exited(server);
    }
    await receiver?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers what was pending when the server was killed with -9, and the leaves the crash caused', async () => {
    const project = JSON.parse((await exec(process.execPath, [BIN, 'project', 'create', '--name', 'W', '--plan', 'pro', '--json', '--data-dir', dataDir])).stdout);
    const auth = basic(project.customerId, project.customerSecret);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    receiver = await WebhookReceiver.start();
    receiver.respond = () => 503;

    server = await serve(dataDir, port);
    const created = await call(url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url } });
    expect(created.status).toBe(200);
    receiver.secret = created.body.data.secret;
    const token = (uid: number) => buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'call', uid, role: 'publisher', tokenExpireSeconds: 600 });
    for (const uid of [1, 2]) bots.push(await BotClient.join({ url, appId: project.appId, channel: 'call', uid, token: token(uid) }));
    await bots[0]!.publish(['video']);
    // The receiver keeps failing the channel's first notice, so everything after it waits.
    await receiver.waitFor((r) => r.length >= 2);

    server.kill('SIGKILL');
    await exited(server);
    receiver.respond = () => 200;
    server = await serve(dataDir, port);

    await receiver.waitFor(() => receiver!.accepted().some((n) => n.body.eventType === 102), 15_000);
    const accepted = receiver.accepted();
    expect(receiver.received.every((n) => n.signed)).toBe(true);
    expect(accepted.map((n) => n.body.eventType)).toEqual([101, 107, 107, 108, 108, 102]);
    const joins = accepted.filter((n) => n.body.eventType === 107);
    const leaves = accepted.filter((n) => n.body.eventType === 108);
    expect(leaves.map((n) => n.body.sid).sort()).toEqual(joins.map((n) => n.body.sid).sort());
    expect(leaves.map((n) => n.body.payload.reason)).toEqual([4, 4]);
    expect(new Set(accepted.map((n) => n.body.noticeId)).size).toBe(accepted.length);

    const webhookId = created.body.data.webhookId;
    const deliveries = (await call(url, 'GET', `/v1/projects/${project.appId}/webhooks/${webhookId}/deliveries`, { auth })).body.data.deliveries;
    expect(deliveries).toHaveLength(6);
    await expect
      .poll(async () => (await call(url, 'GET', `/v1/projects/${project.appId}/webhooks/${webhookId}/deliveries?state=delivered`, { auth })).body.data.deliveries.length)
      .toBe(6);
  });
});
