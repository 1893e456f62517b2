/**
 * Starts a real Parley server on a free port for a test, on the backend asked for, and gives
 * helpers to make projects and send requests the way a customer would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, startServer, type Config, type CreatedProject, type Plan, type RunningServer } from '@parley/server';
import { createPostgresSchema, POSTGRES_URL, REDIS_URL, uniqueName, type Backend } from './backends.ts';

export interface TestServer {
  server: RunningServer;
  url: string;
  config: Config;
  createProject(plan?: Plan, customerId?: string): Promise<CreatedProject>;
  /**
   * Stops the server and starts a new one on the same data dir or PostgreSQL schema, as a node
   * coming back after a crash or a deploy; `server` and `url` then refer to the new one.
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Create the first account and demo project, as a first `parley serve` does (see `t.server.firstRun`). */
  bootstrap?: boolean;
}

export async function startTestServer(backend: Backend, env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
  const pgSchema = backend.store === 'postgres' ? await createPostgresSchema() : undefined;
  const config = loadConfig({
    PARLEY_HOST: '127.0.0.1',
    PARLEY_PORT: '0',
    PARLEY_DATA_DIR: dataDir,
    PARLEY_LOG_LEVEL: 'silent',
    // Media on a free port: test servers run side by side, so none may take the default one.
    PARLEY_RTC_UDP_PORT: '0',
    ...(pgSchema ? { PARLEY_DATABASE_URL: POSTGRES_URL } : {}),
    ...(backend.live === 'redis' ? { PARLEY_REDIS_URL: REDIS_URL, PARLEY_REDIS_PREFIX: `${uniqueName('t')}:` } : {}),
    ...env,
  });
  const start = () => startServer(config, { bootstrap: options.bootstrap ?? false, ...(pgSchema ? { postgresSchema: pgSchema.schema } : {}) });
  const server = await start();
  const t: TestServer = {
    server,
    url: server.url,
    config,
    createProject: (plan = 'starter', customerId) =>
      t.server.services.projects.createProject({ name: uniqueName('project'), plan, ...(customerId ? { customerId } : {}) }),
    async restart() {
      await t.server.close();
      t.server = await start();
      t.url = t.server.url;
    },
    async stop() {
      await t.server.close();
      await pgSchema?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

export function basic(customerId: string, customerSecret: string): string {
  return `Basic ${Buffer.from(`${customerId}:${customerSecret}`).toString('base64')}`;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** Sends a request and parses the JSON answer (every answer of the API is JSON). */
export async function call(
  base: string,
  method: string,
  urlPath: string,
  options: { auth?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.authorization = options.auth;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  } else if (options.rawBody !== undefined) {
    body = options.rawBody;
  }
  const response = await fetch(`${base}${urlPath}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: a test that expects JSON will fail on it and show what came back.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/**
 * Waits for the next minute when the current one is about to turn, so a test that counts requests
 * against a one-minute limit stays inside one window.
 */
export async function withinOneMinuteWindow(): Promise<void> {
  const msToWindowEnd = 60_000 - (Date.now() % 60_000);
  if (msToWindowEnd < 10_000) await new Promise((resolve) => setTimeout(resolve, msToWindowEnd + 50));
}
