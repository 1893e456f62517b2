/**
 * A Parley server in the benchmark's own process (SQLite in a temporary data dir, in-memory live
 * state, warn-level logs), for benchmarks whose bots all come from 127.0.0.1: the per-address
 * session cap is lifted. `close()` stops it and removes its data dir.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type RunningServer } from '@parley/server';

export async function startInProcessServer(name: string, env: Record<string, string> = {}): Promise<{ server: RunningServer; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${name}-bench-`));
  const server = await startServer(
    loadConfig({
      ...process.env,
      PARLEY_HOST: '127.0.0.1',
      PARLEY_PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_LOG_LEVEL: 'warn',
      // Every bot comes from 127.0.0.1.
      PARLEY_RTC_MAX_SESSIONS_PER_IP: '100000',
      ...env,
    }),
    { bootstrap: false },
  );
  return {
    server,
    async close() {
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
