/**
 * Gets the OpenAPI document the way a client would, from a real Parley server: started in-process
 * on a throw-away SQLite data folder and a free port, asked for GET /v1/openapi.json, then stopped.
 * The environment is not read, so a PARLEY_DATABASE_URL in the shell cannot point this at a database.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, startServer } from '@parley/server';
import type { OpenApiDocument } from '../../src/api/types.ts';

export async function fetchServerDocument(): Promise<OpenApiDocument> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-docs-openapi-'));
  try {
    const config = loadConfig({ PARLEY_HOST: '127.0.0.1', PARLEY_PORT: '0', PARLEY_DATA_DIR: dataDir, PARLEY_LOG_LEVEL: 'silent' });
    const server = await startServer(config, { bootstrap: false });
    try {
      const response = await fetch(`${server.url}/v1/openapi.json`);
      if (!response.ok) throw new Error(`GET /v1/openapi.json answered ${response.status}`);
      return (await response.json()) as OpenApiDocument;
    } finally {
      await server.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
