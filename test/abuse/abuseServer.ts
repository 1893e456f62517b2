/**
 * A real `parley serve` process with an enterprise project of its own, for the signaling abuse
 * tests: tokens for it, a raw signaling join, its metrics and its log lines.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';
import { buildRtcToken } from '@parley/token';
import { freePort, exited, PARLEY_BIN, serveProcess } from '../support/parleyProcess.ts';
import { metricValue } from '../support/metrics.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';

const exec = promisify(execFile);

interface Project {
  appId: string;
  appCertificate: string;
  customerId: string;
  customerSecret: string;
}

export interface AbuseServer {
  url: string;
  project: Project;
  logLines: string[];
  token(channel: string, uid: number | string, role?: 'publisher' | 'subscriber'): string;
  join(channel: string, uid: number, role?: 'publisher' | 'subscriber', token?: string): Promise<{ socket: RawSignalingSocket; reply: any }>;
  metric(name: string): Promise<number>;
  stop(): Promise<void>;
}

async function startServer(env: Record<string, string>): Promise<AbuseServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-abuse-'));
  const project: Project = JSON.parse(
    (await exec(process.execPath, [PARLEY_BIN, 'project', 'create', '--name', 'Abuse', '--plan', 'enterprise', '--json', '--data-dir', dataDir])).stdout,
  );
  const port = await freePort();
  const logLines: string[] = [];
  const child: ChildProcess = await serveProcess(dataDir, port, { env, logLines });
  const url = `http://127.0.0.1:${port}`;
  const token: AbuseServer['token'] = (channel, uid, role = 'publisher') =>
    buildRtcToken({ appId: project.appId, appCertificate: project.appCertificate, channel, uid, role, tokenExpireSeconds: 600, privilegeExpireSeconds: 600 });
  return {
    url,
    project,
    logLines,
    token,
    async join(channel, uid, role = 'publisher', presented) {
      const socket = await RawSignalingSocket.open(url);
      const reply = await socket.request({ type: 'join', appId: project.appId, channel, uid, token: presented ?? token(channel, uid, role), platform: 'abuse' });
      return { socket, reply };
    },
    async metric(name) {
      return (await metricValue(url, name)) ?? 0;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A server for the describe block this is called in; it and every socket `keep` was given close after the block. */
export function abuseServerPerSuite(env: Record<string, string>) {
  const sockets: RawSignalingSocket[] = [];
  const suite = {
    /** Set once the block's beforeAll has run. */
    server: undefined as unknown as AbuseServer,
    sockets,
    keep<T extends { socket: RawSignalingSocket }>(joined: T): T {
      sockets.push(joined.socket);
      return joined;
    },
  };
  beforeAll(async () => {
    suite.server = await startServer(env);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await suite.server?.stop();
  });
  return suite;
}
