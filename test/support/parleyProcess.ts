/**
 * `parley serve` as its own process, for tests that stop it (gracefully or with kill -9) and
 * start it again on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';

export const PARLEY_BIN = path.resolve(import.meta.dirname, '../../packages/server/bin/parley.js');

/**
 * A TCP port nothing listens on now, from the kernel (port 0), for a server started again on the
 * same port after a kill. A random pick could land in the ephemeral range and meet a connection.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** GET over HTTPS trusting `ca` (a PEM certificate): what a browser that trusts it would see. */
export function httpsGet(url: string, ca: string | string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, body }));
      })
      .once('error', reject);
  });
}

async function healthy(port: number, ca: string | string[] | undefined): Promise<boolean> {
  if (ca) return (await httpsGet(`https://127.0.0.1:${port}/healthz`, ca).catch(() => undefined))?.status === 200;
  return (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true;
}

/** Starts `parley serve` on `port` and resolves once /healthz answers (over HTTPS trusting `tlsCa` when given). */
export async function serveProcess(
  dataDir: string,
  port: number,
  options: {
    args?: string[];
    env?: Record<string, string>;
    /** Collects the server's log lines (pino JSON). */
    logLines?: string[];
    tlsCa?: string | string[];
    /** How long the start may take (several processes starting at once on a busy machine take longer). */
    startTimeoutMs?: number;
  } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [PARLEY_BIN, 'serve', '--port', String(port), '--data-dir', dataDir, ...(options.args ?? [])], {
    // Media on a free port: test servers run side by side, so none may take the default one.
    env: { ...process.env, PARLEY_LOG_LEVEL: 'warn', PARLEY_RTC_UDP_PORT: '0', ...options.env },
    stdio: options.logLines ? ['ignore', 'pipe', 'pipe'] : 'ignore',
  });
  if (options.logLines) {
    const lines = options.logLines;
    for (const stream of [child.stdout!, child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop()!;
        lines.push(...parts.filter(Boolean));
      });
    }
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (await healthy(port, options.tlsCa)) return child;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  const said = options.logLines?.slice(-5).join('\n') ?? '';
  throw new Error(`parley serve did not start (exit code ${child.exitCode})${said ? `; its last words:\n${said}` : ''}`);
}

export function exited(child: ChildProcess): Promise<unknown> {
  // A child killed by a signal has no exit code, only a signal code.
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode ?? child.signalCode) : new Promise((resolve) => child.once('exit', resolve));
}
