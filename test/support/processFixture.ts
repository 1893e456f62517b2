/**
 * A `parley serve` process with one project and a webhook receiver registered on it, and the
 * means to join bots (signaling only) and to kill -9 and start the server again on the same data
 * dir: what the abuse tests of crashes and full disks start from. `close()` ends it all.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { buildRtcToken } from '@parley/token';
import type { CreatedProject } from '@parley/server';
import { exited, PARLEY_BIN, serveProcess } from './parleyProcess.ts';
import { basic, call } from './server.ts';
import { WebhookReceiver } from './webhookReceiver.ts';
import { BotClient } from './wrtcClient.ts';
import { freePort } from './parleyProcess.ts';

const exec = promisify(execFile);

export interface ProcessFixture {
  project: CreatedProject;
  auth: string;
  url: string;
  receiver: WebhookReceiver;
  /** Joins `uid` to `channel` with a publisher token; rejects when the join does not complete. */
  join(channel: string, uid: number): Promise<BotClient>;
  /** kill -9, and waits for the process to be gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data dir and port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startProcessFixture(dataDir: string): Promise<ProcessFixture> {
  const project: CreatedProject = JSON.parse((await exec(process.execPath, [PARLEY_BIN, 'project', 'create', '--name', 'Abuse', '--plan', 'pro', '--json', '--data-dir', dataDir])).stdout);
  const auth = basic(project.customerId, project.customerSecret!);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const serve = () => serveProcess(dataDir, port, { args: ['--webhook-allow-private'], env: { PARLEY_WEBHOOK_RETRY_BASE_MS: '50' } });
  const receiver = await WebhookReceiver.start();
  const bots: BotClient[] = [];
  let server: ChildProcess | undefined;
  const kill = async () => {
    if (!server || server.exitCode !== null) return;
    server.kill('SIGKILL');
    await exited(server);
  };
  try {
    server = await serve();
    const webhook = await call(url, 'POST', `/v1/projects/${project.appId}/webhooks`, { auth, body: { url: receiver.url } });
    if (webhook.status !== 200) throw new Error(`webhook registration answered ${webhook.status}`);
    receiver.secret = webhook.body.data.secret;
  } catch (error) {
    await kill();
    await receiver.close();
    throw error;
  }
  return {
    project,
    auth,
    url,
    receiver,
    async join(channel, uid) {
      const token = buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role: 'publisher', tokenExpireSeconds: 600 });
      const bot = await BotClient.join({ url, appId: project.appId, channel, uid, token });
      bots.push(bot);
      return bot;
    },
    kill,
    async start() {
      server = await serve();
    },
    async close() {
      await Promise.all(bots.map((bot) => bot.close()));
      await kill();
      await receiver.close();
    },
  };
}
