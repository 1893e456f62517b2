/**
 * `parley serve --tls-cert --tls-key`: HTTPS and WSS from Parley itself with self-signed
 * certificates made by openssl; a renewed certificate is taken into use without a restart, a
 * broken one never; half a setting or an unreadable file stops the start with a plain message.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exited, freePort, httpsGet, PARLEY_BIN, serveProcess } from '../support/parleyProcess.ts';
import { RawSignalingSocket } from '../support/rawSignaling.ts';
import { selfSigned, type SelfSigned } from '../support/selfSigned.ts';
import { waitUntil } from '../support/waitUntil.ts';

const exec = promisify(execFile);

/** The common name of the certificate a new TLS connection is shown. */
function servedName(port: number, ca: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca }, () => {
      const name = socket.getPeerCertificate().subject.CN;
      socket.end();
      resolve([name ?? ''].flat().join());
    });
    socket.once('error', reject);
  });
}

/** Replaces `target` the way certbot and Caddy do: a new file renamed over the old one. */
function renameOver(target: string, content: string): void {
  fs.writeFileSync(`${target}.new`, content);
  fs.renameSync(`${target}.new`, target);
}

describe('parley serve with --tls-cert and --tls-key', () => {
  let dir: string;
  let first: SelfSigned;
  let second: SelfSigned;
  let ca: string[];
  let port: number;
  let child: ChildProcess;
  const logLines: string[] = [];
  const live = { cert: '', key: '' };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-'));
    fs.mkdirSync(path.join(dir, 'live'));
    [first, second] = await Promise.all([selfSigned(dir, 'parley-first'), selfSigned(dir, 'parley-second')]);
    ca = [first.cert, second.cert];
    live.cert = path.join(dir, 'live', 'fullchain.pem');
    live.key = path.join(dir, 'live', 'privkey.pem');
    fs.copyFileSync(first.certFile, live.cert);
    fs.copyFileSync(first.keyFile, live.key);
    port = await freePort();
    child = await serveProcess(path.join(dir, 'data'), port, {
      args: ['--tls-cert', live.cert, '--tls-key', live.key],
      env: { PARLEY_LOG_LEVEL: 'info', PARLEY_LOG_FORMAT: 'json' },
      logLines,
      tlsCa: ca,
    });
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    if (child) await exited(child);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // stdout holds the banner too; log entries are the JSON lines.
  const logged = (message: string) => logLines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)).filter((entry) => entry.msg === message);

  it('serves HTTPS with the certificate given, and its log and banner name https URLs', async () => {
    const health = await httpsGet(`https://127.0.0.1:${port}/healthz`, ca);
    expect(health.status).toBe(200);
    expect(await servedName(port, ca)).toBe('parley-first');
    expect(logged('Parley is listening')[0]).toMatchObject({ url: `https://127.0.0.1:${port}` });
    expect(logLines).toContain(`  Console:   https://127.0.0.1:${port}/console/`);
    expect(logged('serving HTTPS and WSS; the certificate is reloaded when its files change')[0].certificate).toMatchObject({ subject: 'CN=parley-first' });
    // Plain HTTP on the TLS port gets no answer.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('carries the signaling WebSocket over WSS', async () => {
    const socket = await RawSignalingSocket.open(`https://127.0.0.1:${port}`, { ca });
    try {
      const reply = await socket.request({ type: 'join', appId: 'f'.repeat(32), channel: 'tls', uid: 1, token: 'not-a-token', platform: 'test' });
      expect(reply).toMatchObject({ type: 'error', code: expect.any(String), message: expect.any(String) });
    } finally {
      socket.close();
    }
  });

  it('takes a renewed certificate into use within seconds, without a restart', async () => {
    renameOver(live.key, fs.readFileSync(second.keyFile, 'utf8'));
    renameOver(live.cert, second.cert);
    await waitUntil(async () => (await servedName(port, ca)) === 'parley-second', 'the renewed certificate on new connections', { timeoutMs: 5_000 });
    expect((await httpsGet(`https://127.0.0.1:${port}/healthz`, ca)).status).toBe(200);
    expect(logged('TLS certificate reloaded').at(-1).certificate).toMatchObject({ subject: 'CN=parley-second', fingerprint256: expect.any(String), validTo: expect.any(String) });
  });

  it('keeps the certificate in use when the new files are broken, and logs why', async () => {
    fs.writeFileSync(live.cert, 'not a certificate\n');
    await waitUntil(() => logged('TLS files changed but cannot be used: the previous certificate stays in use').length > 0, 'the error logged', { timeoutMs: 5_000 });
    expect(logged('TLS files changed but cannot be used: the previous certificate stays in use')[0].reason).toContain(live.cert);
    expect(await servedName(port, ca)).toBe('parley-second');
    expect(logLines.join('\n')).not.toContain('PRIVATE KEY');
  });
});

describe('parley serve refuses TLS settings it cannot use', () => {
  let dir: string;
  let pair: SelfSigned;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-tls-cli-'));
    pair = await selfSigned(dir, 'one');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function serveFails(args: string[]): Promise<{ code: number; stderr: string }> {
    const error = await exec(process.execPath, [PARLEY_BIN, 'serve', '--port', '0', '--data-dir', path.join(dir, 'data'), ...args]).then(
      () => undefined,
      (failure: { code: number; stderr: string }) => failure,
    );
    expect(error, 'parley serve started').toBeDefined();
    // A message for a person, not a stack trace.
    expect(error!.stderr).not.toMatch(/^\s+at /m);
    return error!;
  }

  // The other refusals (a key without its certificate, not PEM, another certificate's key) are
  // checked in-process by config.test.ts and tlsFiles.test.ts; these two cover the flags and the exit.
  it.concurrent.each([
    ['a certificate without its key', ['--tls-cert', 'CERT'], /PARLEY_TLS_CERT \(--tls-cert\) and PARLEY_TLS_KEY \(--tls-key\) go together/],
    ['a missing certificate file', ['--tls-cert', '/nonexistent/cert.pem', '--tls-key', 'KEY'], /cannot read the TLS certificate .*\/nonexistent\/cert\.pem: ENOENT/],
  ])('refuses %s with exit code 2 and a message naming it', async (_label, args, message) => {
    const resolved = args.map((arg) => ({ CERT: pair.certFile, KEY: pair.keyFile })[arg] ?? arg);
    const { code, stderr } = await serveFails(resolved);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
