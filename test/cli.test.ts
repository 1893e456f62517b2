/**
 * The `parley` command as a user runs it: a real process on a real data dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyToken } from '@parley/token';
import { basic, call } from './support/server.ts';

const BIN = path.resolve(import.meta.dirname, '../packages/server/bin/parley.js');
const exec = promisify(execFile);

function parley(args: string[], env: Record<string, string> = {}) {
  return exec(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
}

/** Runs the CLI with `input` on stdin (as a password typed or piped in). */
function parleyWithInput(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  child.stdin!.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

function parleyFails(args: string[]): Promise<{ code: number; stderr: string }> {
  return parleyFailsWith(args, {});
}

async function parleyFailsWith(args: string[], env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  try {
    await parley(args, env);
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  }
  throw new Error(`parley ${args.join(' ')} succeeded`);
}

function startServe(dataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { ...process.env, PARLEY_LOG_LEVEL: 'info', PARLEY_RTC_UDP_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 15_000);
    child.stdout!.on('data', () => {
      const match = /"url":"(http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!, output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('parley CLI', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('explains itself with --help, for every command', async () => {
    const commands = [['--help'], ['serve', '--help'], ['project', 'create', '--help'], ['project', 'list', '--help'], ['user', 'create', '--help'], ['user', 'list', '--help'], ['user', 'reset-password', '--help'], ['token', 'create', '--help'], ['turn', 'config', '--help'], ['migrate', '--help']];
    for (const args of commands) {
      const { stdout } = await parley(args);
      expect(stdout, args.join(' ')).toMatch(/Usage: parley/);
    }
  });

  it('migrates an empty data dir, then finds nothing to do', async () => {
    const dir = path.join(dataDir, 'migrate');
    expect((await parley(['migrate', '--data-dir', dir])).stdout).toMatch(/applied: 001_initial/);
    expect((await parley(['migrate', '--data-dir', dir])).stdout).toMatch(/schema is up to date/);
  });

  it('creates a project in a new account, then another in the same account', async () => {
    const dir = path.join(dataDir, 'projects');
    const first = JSON.parse((await parley(['project', 'create', '--name', 'Shop', '--plan', 'pro', '--json', '--data-dir', dir])).stdout);
    expect(first).toMatchObject({ name: 'Shop', plan: 'pro' });
    for (const key of ['appId', 'appCertificate', 'customerId', 'customerSecret']) expect(first[key]).toMatch(/^[0-9a-f]{32}$/);

    const second = JSON.parse(
      (await parley(['project', 'create', '--name', 'Shop 2', '--customer-id', first.customerId, '--json', '--data-dir', dir])).stdout,
    );
    expect(second.customerId).toBe(first.customerId);
    expect(second.customerSecret).toBeUndefined();
    expect(second.appId).not.toBe(first.appId);
    expect(second.plan).toBe('pro');

    const unknown = await parleyFails(['project', 'create', '--name', 'x', '--customer-id', 'f'.repeat(32), '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no account has Customer ID/);
    const badPlan = await parleyFails(['project', 'create', '--name', 'x', '--plan', 'gold', '--data-dir', dir]);
    expect(badPlan.stderr).toMatch(/Allowed choices are starter, pro, enterprise/);
  });

  it('manages console users: the password from stdin, listed without it, reset ending sessions', async () => {
    const dir = path.join(dataDir, 'users');
    const project = JSON.parse((await parley(['project', 'create', '--name', 'Team', '--json', '--data-dir', dir])).stdout);
    const created = await parleyWithInput(['user', 'create', '--email', 'Lead@Example.com', '--customer-id', project.customerId, '--role', 'owner', '--data-dir', dir], 'a long piped password\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/Console user lead@example\.com \(owner\) created/);
    const listed = JSON.parse((await parley(['user', 'list', '--json', '--data-dir', dir])).stdout);
    expect(listed).toEqual([{ email: 'lead@example.com', role: 'owner', customerId: project.customerId, createdAt: expect.any(String) }]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');

    const taken = await parleyWithInput(['user', 'create', '--email', 'lead@example.com', '--customer-id', project.customerId, '--data-dir', dir], 'another long password\n');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/email: A console user with the email lead@example.com exists/);
    const short = await parleyFails(['user', 'create', '--email', 'x@example.com', '--customer-id', project.customerId, '--password', 'short', '--data-dir', dir]);
    expect(short.stderr).toMatch(/password: The password must be at least 12 characters/);
    expect((await parleyFails(['user', 'create', '--email', 'x@example.com', '--customer-id', 'f'.repeat(32), '--password', 'long enough password', '--data-dir', dir])).stderr).toMatch(/no account has Customer ID/);
    expect((await parleyFails(['user', 'create', '--email', 'x@example.com', '--customer-id', project.customerId, '--role', 'god', '--data-dir', dir])).stderr).toMatch(/Allowed choices are owner, admin, viewer/);

    const reset = await parleyWithInput(['user', 'reset-password', '--email', 'lead@example.com', '--data-dir', dir], 'the new long password\n');
    expect(reset.stdout).toMatch(/Password of lead@example.com changed/);
    expect((await parleyFails(['user', 'reset-password', '--email', 'nobody@example.com', '--password', 'long enough password', '--data-dir', dir])).stderr).toMatch(/No console user has the email/);

    const projects = JSON.parse((await parley(['project', 'list', '--customer-id', project.customerId, '--json', '--data-dir', dir])).stdout);
    expect(projects).toEqual([{ appId: project.appId, name: 'Team', customerId: project.customerId, testingMode: false, createdAt: expect.any(String) }]);
  });

  it('prints a token the App Certificate verifies, and refuses bad input', async () => {
    const dir = path.join(dataDir, 'tokens');
    const project = JSON.parse((await parley(['project', 'create', '--name', 'T', '--json', '--data-dir', dir])).stdout);
    const { stdout } = await parley(['token', 'create', '--app-id', project.appId, '--channel', 'room', '--uid', '42', '--role', 'subscriber', '--expire', '600', '--data-dir', dir]);
    const token = stdout.trim();
    const check = await verifyToken(token, { lookupCertificate: () => project.appCertificate });
    expect(check.ok && check.claims.rtc[0]).toMatchObject({ channel: 'room', uid: '42', privileges: { joinChannel: expect.any(Number) } });

    expect((await parleyFails(['token', 'create', '--app-id', 'a'.repeat(32), '--channel', 'room', '--uid', '1', '--data-dir', dir])).stderr).toMatch(/no project has App ID/);
    expect((await parleyFails(['token', 'create', '--app-id', project.appId, '--channel', 'a/b', '--uid', '1', '--data-dir', dir])).stderr).toMatch(/Channel name must be/);
    expect((await parleyFails(['token', 'create', '--app-id', project.appId, '--channel', 'room', '--uid', '1', '--expire', '0', '--data-dir', dir])).stderr).toMatch(/expire must be an integer/);
  });

  it('prints a coturn configuration matching the TURN settings, and refuses without them', async () => {
    const env = {
      PARLEY_TURN_URLS: 'turn:turn.example.com:3478?transport=udp,turn:turn.example.com:3478?transport=tcp,turns:turn.example.com:443',
      PARLEY_TURN_SECRET: 'shared-with-coturn',
      PARLEY_RTC_ADDRESS: '10.1.2.3',
    };
    const { stdout } = await parley(['turn', 'config', '--listening-ip', '203.0.113.7', '--cert', '/etc/c.pem', '--pkey', '/etc/k.pem'], env);
    const lines = stdout.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'use-auth-secret',
        'static-auth-secret=shared-with-coturn',
        'realm=turn.example.com',
        'listening-port=3478',
        'tls-listening-port=443',
        'listening-ip=203.0.113.7',
        'cert=/etc/c.pem',
        'pkey=/etc/k.pem',
        'no-cli',
        'no-dtls',
        'denied-peer-ip=10.0.0.0-10.255.255.255',
        'allowed-peer-ip=10.1.2.3',
      ]),
    );
    // Every transport the URLs name stays on; loopback peers stay refused for a SFU that is not on loopback.
    expect(lines).not.toEqual(expect.arrayContaining(['no-udp']));
    expect(lines).not.toEqual(expect.arrayContaining(['no-tcp']));
    expect(lines).not.toEqual(expect.arrayContaining(['no-tls']));
    expect(lines).not.toEqual(expect.arrayContaining(['allow-loopback-peers']));

    const tcpOnly = (await parley(['turn', 'config'], { ...env, PARLEY_TURN_URLS: 'turn:127.0.0.1:3478?transport=tcp', PARLEY_RTC_ADDRESS: '127.0.0.1' })).stdout.split('\n');
    expect(tcpOnly).toEqual(expect.arrayContaining(['no-udp', 'no-tls', 'allowed-peer-ip=127.0.0.1', 'allow-loopback-peers']));

    const unset = await parleyFails(['turn', 'config']);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/PARLEY_TURN_URLS and PARLEY_TURN_SECRET/);
    const badUrl = await parleyFailsWith(['turn', 'config'], { PARLEY_TURN_URLS: 'stun:turn.example.com', PARLEY_TURN_SECRET: 's' });
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/PARLEY_TURN_URLS: "stun:turn.example.com" is not a TURN URL/);
  });

  it('serves: prints the first credentials once, sees projects created beside it, and stops on SIGTERM', async () => {
    const dir = path.join(dataDir, 'serve');
    const first = await startServe(dir);
    const banner = first.output();
    expect(banner).toMatch(/First start: an account and a demo project were created/);
    const secret = /Customer Secret: ([0-9a-f]{32})/.exec(banner)![1]!;
    const customerId = /Customer ID: +([0-9a-f]{32})/.exec(banner)![1]!;
    const appId = /App ID: +([0-9a-f]{32})/.exec(banner)![1]!;
    // The secret goes to the terminal once, never into a log line.
    expect(banner.split('\n').filter((line) => line.includes(secret) && line.startsWith('{'))).toEqual([]);
    const ownerPassword = /Password: ([\w-]{24})/.exec(banner)![1]!;
    expect(banner).toMatch(/Email: +admin@localhost/);
    expect(banner).toMatch(new RegExp(`Docs: +${first.url.replace(/[.]/g, '\\.')}/docs/`));
    const signIn = await call(first.url, 'POST', '/v1/console/sessions', { body: { email: 'admin@localhost', password: ownerPassword, session: 'bearer' } });
    expect(signIn.body.data.user).toMatchObject({ email: 'admin@localhost', role: 'owner' });

    const auth = basic(customerId, secret);
    expect((await call(first.url, 'POST', `/v1/projects/${appId}/rtc/channels`, { auth, body: { channel: 'lobby' } })).status).toBe(200);

    // A project made by the CLI while the server runs on the same data dir works at once.
    const added = JSON.parse((await parley(['project', 'create', '--name', 'Live', '--json', '--data-dir', dir])).stdout);
    const res = await call(first.url, 'GET', `/v1/projects/${added.appId}/channels`, { auth: basic(added.customerId, added.customerSecret) });
    expect(res.status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    expect(first.output()).toMatch(/shutting down/);

    const second = await startServe(dir);
    expect(second.output()).not.toMatch(/First start|Password:/);
    expect(second.output()).toMatch(/Demo call: +http/);
    expect((await call(second.url, 'GET', `/v1/projects/${appId}/channels/lobby`, { auth })).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await exited(second.child)).toBe(0);
  });
});
