/**
 * `parley serve` stops promptly on SIGTERM while clients still hold connections to it: a spare
 * connection a browser opened ahead of need (no request on it), a keep-alive one between
 * requests, and a request still running.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, freePort, serveProcess } from '../support/parleyProcess.ts';

describe('stopping a server that clients are connected to', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-shutdown-'));
  const sockets: net.Socket[] = [];
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('exits within seconds of SIGTERM, ending spare and keep-alive connections', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const logLines: string[] = [];
    const server = await serveProcess(dataDir, port, { logLines, env: { PARLEY_LOG_LEVEL: 'info' } });

    const spare = net.connect(port, '127.0.0.1');
    sockets.push(spare);
    await new Promise((resolve) => spare.once('connect', resolve));
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`http://127.0.0.1:${port}/readyz`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      }).on('error', reject);
    });
    expect(status).toBe(200);
    const keptAlive = Object.values(agent.freeSockets).flat();
    expect(keptAlive).toHaveLength(1);
    sockets.push(...(keptAlive as net.Socket[]));
    const spareEnded = new Promise((resolve) => spare.once('close', resolve));

    const stoppedAt = Date.now();
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
    const took = Date.now() - stoppedAt;
    // Fastify's keep-alive timeout is 72 s: waiting for either connection would take that or for ever.
    expect(took, logLines.slice(-5).join('\n')).toBeLessThan(5_000);
    await spareEnded;
    expect(logLines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    agent.destroy();
  });
});
