/**
 * Serves a folder over HTTP on its own origin, as any static web server would: how the tests run
 * apps written against the SDK (the Agora-style samples, the built quickstarts) from another origin
 * than the Parley server. `transform` may rewrite a file's text before it is sent.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

export async function serveFolder(root: string, transform?: (file: string, text: string) => string): Promise<StaticSite> {
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = path.join(root, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    const body = transform ? transform(file, fs.readFileSync(file, 'utf8')) : fs.readFileSync(file);
    response.writeHead(200, { 'Content-Type': `${TYPES[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8` }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
