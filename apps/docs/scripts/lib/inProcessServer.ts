/**
 * A real Parley server for the docs build, started in-process on a throw-away SQLite data folder
 * and a free port, handed to `work`, then stopped and its folder removed. The environment is not
 * read, so a PARLEY_DATABASE_URL in the shell cannot point the build at a database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, startServer } from '@parley/server';

export async function withInProcessServer<T>(work: (url: string) => Promise<T>): Promise<T> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-docs-build-'));
  try {
    const config = loadConfig({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'silent', PARLEY_RTC_UDP_PORT: '0' });
    const server = await startServer(config, { bootstrap: false });
    try {
      return await work(server.url);
    } finally {
      await server.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** GET a path of the running server; throws on anything but 200. */
export async function getText(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
  return response.text();
}
