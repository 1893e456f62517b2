/**
 * The image's entry script (deploy/docker/entrypoint.sh), run by the shell the image runs it with
 * (/bin/sh): first with a stand-in `parley` on PATH that reports how it was called, then with the
 * real one, which must end up as the process SIGTERM reaches. No container runtime is needed.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { freePort, PARLEY_BIN } from '../support/parleyProcess.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRYPOINT = path.join(ROOT, 'deploy/docker/entrypoint.sh');
const HEALTHCHECK = path.join(ROOT, 'deploy/docker/healthcheck.mjs');
const exec = promisify(execFile);

let work: string;
let fakeBin: string;
let realBin: string;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-entrypoint-'));
  fakeBin = path.join(work, 'fake-bin');
  fs.mkdirSync(fakeBin);
  // Prints its arguments and the settings the script decides, then exits 7: the script's exit code must be its.
  fs.writeFileSync(
    path.join(fakeBin, 'parley'),
    '#!/bin/sh\nprintf "args=%s\\n" "$*"\nprintf "host=%s\\n" "${PARLEY_HOST-<unset>}"\nexit 7\n',
    { mode: 0o755 },
  );
  // The real command, as the image links it, run by the project's Node 24.
  realBin = path.join(work, 'real-bin');
  fs.mkdirSync(realBin);
  fs.symlinkSync(PARLEY_BIN, path.join(realBin, 'parley'));
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The script with only `env` set (plus PATH and a writable data dir), as a container starts it. */
async function entrypoint(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
  try {
    const { stdout, stderr } = await exec('/bin/sh', [ENTRYPOINT, ...args], {
      env: { PATH: `${fakeBin}:${path.dirname(process.execPath)}:/usr/bin:/bin`, PARLEY_DATA_DIR: dataDir, WAIT_FOR_SERVICES_SECONDS: '0', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

const CLUSTER = {
  PARLEY_DATABASE_URL: 'postgres://parley:hunter2@127.0.0.1:5432/test',
  PARLEY_REDIS_URL: 'redis://127.0.0.1:6379',
  PARLEY_SECRET_KEY: 'a-shared-secret',
  PARLEY_NODE_ID: 'node-a',
};

describe('the entry script', () => {
  it('serves on every interface when given no command, and exits with parley\'s code', async () => {
    const run = await entrypoint([]);
    expect(run).toMatchObject({ code: 7, stdout: 'args=serve\nhost=0.0.0.0\n', stderr: '' });
  });

  it('takes options alone as options of serve, and keeps a host that was set', async () => {
    const run = await entrypoint(['--dev', '--port', '9000'], { PARLEY_HOST: '10.1.2.3' });
    expect(run.stdout).toBe('args=serve --dev --port 9000\nhost=10.1.2.3\n');
  });

  it('passes other commands through untouched', async () => {
    const run = await entrypoint(['turn', 'config'], { PARLEY_REDIS_URL: 'redis://nowhere:6379' });
    expect(run).toMatchObject({ code: 7, stdout: 'args=turn config\nhost=<unset>\n', stderr: '' });
  });

  it('refuses shared Redis without a shared database', async () => {
    const run = await entrypoint([], { PARLEY_REDIS_URL: CLUSTER.PARLEY_REDIS_URL, PARLEY_SECRET_KEY: 's' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('PARLEY_REDIS_URL is set but PARLEY_DATABASE_URL is not');
  });

  it('refuses a cluster without the secret key every node shares', async () => {
    const run = await entrypoint([], { ...CLUSTER, PARLEY_SECRET_KEY: '' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('PARLEY_REDIS_URL is set but PARLEY_SECRET_KEY is not');
  });

  it("warns that a cluster node without an id is named after the container's host name", async () => {
    const run = await entrypoint([], { ...CLUSTER, PARLEY_NODE_ID: '' });
    expect(run.code).toBe(7);
    expect(run.stderr).toContain(`PARLEY_NODE_ID is unset: this node is named after the container's host name (${os.hostname()})`);
  });

  it('warns that PostgreSQL without Redis is a single node', async () => {
    const run = await entrypoint([], { PARLEY_DATABASE_URL: CLUSTER.PARLEY_DATABASE_URL });
    expect(run.code).toBe(7);
    expect(run.stderr).toContain('this runs one node on PostgreSQL');
  });

  it('refuses a data folder it cannot write', async () => {
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, '');
    const run = await entrypoint([], { PARLEY_DATA_DIR: path.join(file, 'data') });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`the data folder ${file}/data is not writable by user`);
  });

  it('waits for PostgreSQL and Redis when they answer', async () => {
    const run = await entrypoint([], { ...CLUSTER, WAIT_FOR_SERVICES_SECONDS: '10' });
    expect(run).toMatchObject({ code: 7, stderr: '' });
  });

  it('gives up on a database that does not answer, without printing its password', async () => {
    const port = await freePort();
    const started = Date.now();
    const run = await entrypoint([], { ...CLUSTER, PARLEY_DATABASE_URL: `postgres://parley:hunter2@127.0.0.1:${port}/test`, WAIT_FOR_SERVICES_SECONDS: '2' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`127.0.0.1:${port} did not accept connections within 2 s`);
    expect(run.stderr).not.toContain('hunter2');
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });
});

describe('the entry script with the real parley', () => {
  it('execs parley serve, which the health check sees and SIGTERM stops', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
    const env = {
      PATH: `${realBin}:${path.dirname(process.execPath)}:/usr/bin:/bin`,
      PARLEY_DATA_DIR: dataDir,
      PARLEY_PORT: String(port),
      PARLEY_RTC_UDP_PORT: '0',
      PARLEY_LOG_LEVEL: 'warn',
    };
    // Its own process group: whatever the script leaves behind is killed with it if the test fails.
    const child = spawn('/bin/sh', [ENTRYPOINT], { env, stdio: 'ignore', detached: true });
    onTestFinished(() => {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const healthcheck = () => exec(process.execPath, [HEALTHCHECK], { env }).then(() => true, () => false);
    let healthy = false;
    for (let attempt = 0; attempt < 100 && !healthy; attempt++) {
      healthy = await healthcheck();
      if (!healthy) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(healthy).toBe(true);
    // exec: the shell's process is now Node running parley, so a container's SIGTERM reaches it.
    expect(fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')).toContain(path.join(realBin, 'parley'));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await healthcheck()).toBe(false);
  });
});
