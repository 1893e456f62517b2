/**
 * The SFU under test: a real Parley server (SQLite in a temporary data dir, in-memory live
 * state, warn-level logs) in its own process, so run.ts can read its CPU time and memory from
 * /proc/<pid> without counting the bots.
 *
 * Protocol with run.ts, one JSON object per line:
 * - stdout `{"bench":"ready","url":…,"appId":…,"appCertificate":…}` once it listens, with a new
 *   enterprise project to mint tokens for;
 * - stdin `{"bench":"load"}` → stdout `{"bench":"load",…}`: rooms, participants, published and
 *   forwarded tracks as the SFU counts them (the same figures as /metrics), and its own
 *   `process.cpuUsage()` and `memoryUsage()`;
 * - stdin closing → the server closes, the data dir is removed, the process exits.
 * Other stdout lines are Parley's own warn/error logs; run.ts passes them on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig, startServer } from '@parley/server';

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rtc-bench-'));
const config = loadConfig({
  PARLEY_HOST: '127.0.0.1',
  PARLEY_PORT: '0',
  PARLEY_DATA_DIR: dataDir,
  PARLEY_LOG_LEVEL: 'warn',
  PARLEY_RTC_ADDRESS: '127.0.0.1',
  // `range` measures the port-per-connection mode; the default is one port for all.
  PARLEY_RTC_UDP_PORT: process.env.PARLEY_RTC_UDP_PORT ?? '0',
  PARLEY_RTC_PORT_MIN: process.env.PARLEY_RTC_PORT_MIN ?? '41000',
  PARLEY_RTC_PORT_MAX: process.env.PARLEY_RTC_PORT_MAX ?? '41999',
  // Every bot connects from 127.0.0.1: the per-address cap (100) would refuse the 101st.
  PARLEY_RTC_MAX_SESSIONS_PER_IP: '100000',
});
const server = await startServer(config, { bootstrap: false });
const project = await server.services.projects.createProject({ name: 'rtc-bench', plan: 'enterprise' });

let closing = false;
async function shutdown(code: number): Promise<void> {
  if (closing) return;
  closing = true;
  try {
    await server.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  }
}

readline.createInterface({ input: process.stdin })
  .on('line', (line) => {
    const message = JSON.parse(line) as { bench?: string };
    if (message.bench === 'load') {
      const { user, system } = process.cpuUsage();
      send({ bench: 'load', ...server.services.rtc.load(), cpuMicros: user + system, memory: process.memoryUsage() });
    }
  })
  // stdin closing is the stop signal: it also fires when the parent dies, so no orphan stays.
  .on('close', () => void shutdown(0));

send({ bench: 'ready', url: server.url, appId: project.appId, appCertificate: project.appCertificate });
