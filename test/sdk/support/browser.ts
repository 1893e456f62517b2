/**
 * Debian's Chromium driven by playwright-core, with fake camera and microphone, and a tiny static
 * server on 127.0.0.1 (a secure context, so getUserMedia works) that serves the built SDK at
 * /sdk/ and test pages given by the test.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * `fakeDevices`: how many fake cameras Chromium offers (device switching tests need two).
 * `executablePath`: a wrapper that starts Chromium elsewhere (inside a network namespace);
 * `extraArgs`: more flags (an http origin other than 127.0.0.1 to treat as secure).
 * `yieldToServers`: Chromium and every process it forks get only the CPU the servers under test
 * leave (SCHED_IDLE), as if its tabs were users on other machines. Five tabs encoding and decoding
 * video otherwise starve three servers on two cores so much that a node's heartbeat lapses. A
 * lower nice value does not do it: Chromium, as root, sets its processes' own.
 */
export async function launchChromium(options: { fakeDevices?: number; executablePath?: string; extraArgs?: string[]; yieldToServers?: boolean } = {}): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install chromium)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-chromium-'));
  let executablePath = options.executablePath ?? CHROMIUM_PATH;
  if (options.yieldToServers) {
    const wrapper = path.join(profile, 'idle-chromium.sh');
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec chrt --idle 0 '${executablePath}' "$@"\n`, { mode: 0o755 });
    executablePath = wrapper;
  }
  const args = options.fakeDevices === undefined
    ? CHROMIUM_ARGS
    : CHROMIUM_ARGS.map((arg) => (arg === '--use-fake-device-for-media-stream' ? `${arg}=device-count=${options.fakeDevices}` : arg));
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: [...args, ...(options.extraArgs ?? [])], headless: true });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/** Serves `sdkDir` at /sdk/ and each of `pages` (path → HTML) as is. */
export async function serveStatic(sdkDir: string, pages: Record<string, string>): Promise<StaticServer> {
  const server = http.createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const page = pages[pathname];
    if (page !== undefined) {
      response.writeHead(200, { 'Content-Type': TYPES['.html']! }).end(page);
      return;
    }
    const name = pathname.startsWith('/sdk/') ? path.basename(pathname) : '';
    const file = path.join(sdkDir, name);
    if (!name || !fs.existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'Content-Type': TYPES[path.extname(name)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
