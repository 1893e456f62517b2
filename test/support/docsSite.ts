/**
 * The docs portal in tests: the built site (built once if missing), served by the server's own
 * `registerDocs` on a separate port, and the Chromium the browser tests drive. A separate origin
 * from the API server on purpose: the tester then calls the API cross-origin, through CORS.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser } from 'playwright-core';
import { DOCS_BUILD_DIR, installErrorHandler, installHtmlSecurity, registerDocs } from '@parley/server';

import { CHROMIUM_ARGS as BROWSER_ARGS } from '../sdk/support/browser.ts';

const run = promisify(execFile);
export const REPO_DIR = path.resolve(import.meta.dirname, '../..');
export const DOCS_DIR = path.join(REPO_DIR, 'apps/docs');
export const SCREENSHOT_DIR = path.join(REPO_DIR, 'test-results/docs');

/** Chromium's flags for this machine's closed network, without the fake media devices docs pages do not need. */
export const CHROMIUM_ARGS = BROWSER_ARGS.filter((arg) => !arg.includes('fake'));

/** `npm test` builds the site first (pretest); a single test file run builds it when it is missing. */
export async function ensureDocsBuilt(): Promise<string> {
  if (!fs.existsSync(path.join(DOCS_BUILD_DIR, 'index.html'))) {
    await run('npm', ['run', 'build', '-w', 'apps/docs'], { cwd: REPO_DIR, maxBuffer: 64 * 1024 * 1024 });
  }
  return DOCS_BUILD_DIR;
}

export interface DocsServer {
  app: FastifyInstance;
  /** Origin, e.g. http://127.0.0.1:41234 (the site is under /docs/). */
  url: string;
  close(): Promise<void>;
}

/** The site as the server serves it: same error envelope, same security headers (pages run under their CSP). */
export async function serveDocs(root?: string): Promise<DocsServer> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  installErrorHandler(app);
  installHtmlSecurity(app);
  registerDocs(app, root ? { root } : {});
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, close: () => app.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/** A temporary folder for a test's files (removed by the caller). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
