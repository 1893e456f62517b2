/**
 * A server that stops during a call: gracefully (clients told why, sessions closed with reason 4)
 * or killed with -9 (sessions closed with reason 4 at the next start; none stays open).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { basic, call } from '../support/server.ts';
import { BotClient } from '../support/wrtcClient.ts';
import { freePort, exited, PARLEY_BIN as BIN, serveProcess } from '../support/parleyProcess.ts';

const exec = promisify(execFile);
const serve = (dataDir: string, port: number) => serveProcess(dataDir, port);

describe('a server restart during a call', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-restart-'));
  const bots: BotClient[] = [];
  afterAll(async () => {
    await Promise.all(bots.map((bot) => bot.close()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('closes every session with a reason, whether the server stops gracefully or is killed', async () => {
    const project = JSON.parse((await exec(process.execPath, [BIN, 'project', 'create', '--name', 'R', '--plan', 'pro', '--json', '--data-dir', dataDir])).stdout);
    const auth = basic(project.customerId, project.customerSecret);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const token = (uid: number) => buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel: 'call', uid, role: 'publisher', tokenExpireSeconds: 600 });
    const join = async (uid: number) => {
      const bot = await BotClient.join({ url, appId: project.appId, channel: 'call', uid, token: token(uid) });
      bots.push(bot);
      return bot;
    };

    // Graceful stop: clients hear why, sessions close with reason 4 (server internal).
    let server = await serve(dataDir, port);
    const [a, b] = [await join(1), await join(2)];
    server.kill('SIGTERM');
    await exited(server);
    for (const bot of [a, b]) expect(await bot.waitFor('kicked')).toMatchObject({ reason: 4 });

    // Killed with -9 mid-call: the next start closes what was left open.
    server = await serve(dataDir, port);
    const c = await join(3);
    await c.publish(['video']);
    server.kill('SIGKILL');
    await exited(server);
    expect(await c.waitForClose()).toBe(1006);
    server = await serve(dataDir, port);
    try {
      const res = await call(url, 'GET', `/v1/projects/${project.appId}/sessions?channel=call`, { auth });
      expect(res.status).toBe(200);
      const sessions = res.body.data.sessions;
      expect(sessions).toHaveLength(3);
      for (const session of sessions) {
        expect(session.leftAt, JSON.stringify(session)).not.toBeNull();
        expect(session.leaveReason).toBe(4);
      }
      // Nobody is listed in the channel after the restart.
      expect((await call(url, 'GET', `/v1/projects/${project.appId}/channels/call`, { auth })).status).toBe(404);
    } finally {
      server.kill('SIGTERM');
      await exited(server);
    }
  });
});
