/**
 * Debian's coturn as a real process for tests: started with the configuration `parley turn
 * config` printed and a self-signed certificate for `turns:`, killed (by its own pid) at the end.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Coturn {
  /** What coturn printed so far (its log goes to stdout). */
  output(): string;
  stop(): Promise<void>;
}

/** A self-signed certificate for `host` (coturn's turns: listener), in a new temporary folder. */
export async function selfSignedCertificate(host: string): Promise<{ cert: string; key: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-turn-cert-'));
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', `/CN=${host}`, '-addext', `subjectAltName=IP:${host}`, '-keyout', key, '-out', cert]);
  return { cert, key, dir };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const DIR_PREFIX = 'parley-coturn-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Stops coturns that a crashed earlier run left behind: each run's folder is named after the test
 * process, and holds coturn's pid file. Only a process whose command line names that folder's
 * configuration is killed.
 */
function stopStaleCoturns(): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const owner = Number(new RegExp(`^${DIR_PREFIX}(\\d+)-`).exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(owner) || alive(owner)) continue;
    const dir = path.join(os.tmpdir(), name);
    const pid = Number(readOrEmpty(path.join(dir, 'turnserver.pid')).trim());
    if (pid > 0 && readOrEmpty(`/proc/${pid}/cmdline`).includes(path.join(dir, 'turnserver.conf'))) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts `turnserver -c <config>` and waits until it accepts TCP on `host:readyPort`. */
export async function startCoturn(config: string, host: string, readyPort: number): Promise<Coturn> {
  stopStaleCoturns();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${DIR_PREFIX}${process.pid}-`));
  const configFile = path.join(dir, 'turnserver.conf');
  fs.writeFileSync(configFile, config, { mode: 0o600 });
  // Its own user database and pid file, so nothing lands in /var.
  const child = spawn('turnserver', ['-c', configFile, '--log-file', 'stdout', '--pidfile', path.join(dir, 'turnserver.pid'), '--db', path.join(dir, 'turndb')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // A missing binary is an 'error' event, not an exit: without a listener it would crash the test run.
  child.once('error', (error) => (output += `${error.message} (install Debian's coturn: apt-get install coturn)\n`));
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await accepts(host, readyPort))) {
    if (child.exitCode !== null || child.pid === undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { output: () => output, stop };
}
