/**
 * The server under test for bench/recording: a real Parley server (SQLite in a temporary data
 * dir, recordings to its local folder) in its own process, so run.ts can read its CPU time, and
 * that of the ffmpeg processes it starts, from /proc without counting the bots.
 *
 * Protocol with run.ts, one JSON object per line: stdout `{"bench":"ready",…}` once it listens,
 * with an enterprise project and its credentials; stdin closing → the server closes, the data
 * dir is removed, the process exits.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig, startServer } from '@parley/server';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-recording-bench-'));
const config = loadConfig({
  PARLEY_HOST: '127.0.0.1',
  PARLEY_PORT: '0',
  PARLEY_DATA_DIR: dataDir,
  PARLEY_LOG_LEVEL: 'warn',
  PARLEY_RTC_UDP_PORT: '0',
  PARLEY_RTC_PORT_MIN: '43000',
  PARLEY_RTC_PORT_MAX: '43999',
});
const server = await startServer(config, { bootstrap: false });
const project = await server.services.projects.createProject({ name: 'recording-bench', plan: 'enterprise' });

let closing = false;
readline.createInterface({ input: process.stdin }).on('close', () => {
  if (closing) return;
  closing = true;
  void server.close().finally(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  });
});

process.stdout.write(
  `${JSON.stringify({ bench: 'ready', url: server.url, pid: process.pid, appId: project.appId, appCertificate: project.appCertificate, customerId: project.customerId, customerSecret: project.customerSecret })}\n`,
);
