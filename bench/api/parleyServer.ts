/**
 * The server under test of the API benchmark: a real Parley server (SQLite in a temporary data
 * dir, in-memory live state: the single-node default) in its own process, started by run.ts, so
 * the load generator never shares its event loop.
 *
 * Protocol with run.ts, one JSON object per line:
 * - stdout `{"bench":"ready","url":…}` once it listens;
 * - stdin `{"bench":"accounts","count":N}` → stdout `{"bench":"accounts","accounts":[…]}`:
 *   N new enterprise accounts with one project each (run.ts spreads the load over them so that no
 *   account reaches its plan's rate limit, which still runs on every request);
 * - stdin `{"bench":"cpu"}` → stdout `{"bench":"cpu","micros":…}`: CPU time used so far;
 * - stdin closing → the server closes, the data dir is removed, the process exits.
 * Other stdout lines (Parley's own warn/error logs) are not protocol; run.ts passes them on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { loadConfig, startServer } from '@parley/server';

export interface BenchAccount {
  appId: string;
  customerId: string;
  customerSecret: string;
}

function send(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
// warn, not info: request logging would be part of a production setup, but at info every
// request writes a line to a pipe nobody reads, measuring the pipe rather than the API.
const config = loadConfig({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'warn', PARLEY_RTC_UDP_PORT: '0' });
const server = await startServer(config, { bootstrap: false });

async function createAccounts(count: number): Promise<BenchAccount[]> {
  const accounts: BenchAccount[] = [];
  // One at a time: SQLite serialises the transactions anyway, and this happens before measuring.
  for (let i = 0; i < count; i++) {
    const created = await server.services.projects.createProject({ name: `bench-${i}`, plan: 'enterprise' });
    if (!created.customerSecret) throw new Error('a new account came back without its Customer Secret');
    accounts.push({ appId: created.appId, customerId: created.customerId, customerSecret: created.customerSecret });
  }
  return accounts;
}

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

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const message = JSON.parse(line) as { bench?: string; count?: number };
  if (message.bench === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ bench: 'cpu', micros: user + system });
  } else if (message.bench === 'accounts' && Number.isInteger(message.count)) {
    createAccounts(message.count ?? 0).then(
      (accounts) => send({ bench: 'accounts', accounts }),
      (error: unknown) => {
        process.stderr.write(`parleyServer: could not create accounts: ${String(error)}\n`);
        void shutdown(1);
      },
    );
  }
});
// stdin closing is the stop signal: it also fires when the parent crashes, so no orphan stays.
lines.on('close', () => void shutdown(0));

send({ bench: 'ready', url: server.url });
