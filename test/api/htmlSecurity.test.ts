/**
 * Security headers on every HTML page the server serves (the docs portal, the demo call page):
 * a Content-Security-Policy fitted to the page, no framing, no referrer, nosniff, and no CORS on
 * HTML while the API keeps its CORS. The dev-mode token source of the call page is rate-limited.
 * (That the pages work under their policies is checked in Chromium: test/browser/htmlSecurity.test.ts.)
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installHtmlSecurity, registerDocs } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, withinOneMinuteWindow, type TestServer } from '../support/server.ts';

const ORIGIN = { origin: 'https://elsewhere.example' };

function directives(csp: string | null): Map<string, string[]> {
  expect(csp).toBeTruthy();
  return new Map(csp!.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name!, values]));
}

function expectHtmlHeaders(headers: Headers): Map<string, string[]> {
  expect(headers.get('access-control-allow-origin')).toBeNull();
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('x-frame-options')).toBe('DENY');
  const csp = directives(headers.get('content-security-policy'));
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  return csp;
}

describe('security headers on the demo call page and the API', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!, { PARLEY_DEV: 'true' }, { bootstrap: true });
  });
  afterAll(() => t.stop());

  it('serves /call with a policy that allows its own scripts, same-origin WebSocket and camera streams, and no CORS', async () => {
    const res = await fetch(`${t.url}/call`, { headers: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = expectHtmlHeaders(res.headers);
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('keeps CORS on the API and leaves its JSON without a page policy', async () => {
    const project = await t.createProject('pro');
    const res = await call(t.url, 'GET', `/v1/projects/${project.appId}/channels`, { auth: basic(project.customerId, project.customerSecret!), headers: ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-security-policy')).toBeNull();
  });

  it('rate-limits the dev-mode token source per client address: 30 a minute, then 429 with Retry-After', async () => {
    await withinOneMinuteWindow();
    const mint = () => call(t.url, 'POST', '/call/token', { body: { channel: 'demo', uid: 'ann' } });
    const answers = [];
    for (let i = 0; i < 30; i += 1) answers.push((await mint()).status);
    expect(answers).toEqual(Array(30).fill(200));
    const past = await mint();
    expect(past.status).toBe(429);
    expect(past.body).toMatchObject({ code: 429, message: 'Rate limit exceeded' });
    expect(Number(past.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('security headers on the docs portal', () => {
  const inline = 'document.documentElement.dataset.theme="light"';
  let root: string;
  let url: string;
  const app = Fastify();
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-docs-csp-'));
    fs.writeFileSync(path.join(root, 'index.html'), `<!doctype html><html><head><script>${inline}</script><script src="app.js"></script></head><body>docs</body></html>`);
    fs.writeFileSync(path.join(root, 'app.js'), 'console.log(1)');
    installHtmlSecurity(app);
    registerDocs(app, { root });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('allows exactly the page\'s own inline scripts by hash, and fetches to any API origin the tester is pointed at', async () => {
    const res = await fetch(`${url}/docs/`, { headers: ORIGIN });
    expect(res.status).toBe(200);
    const csp = expectHtmlHeaders(res.headers);
    const hash = `'sha256-${createHash('sha256').update(inline).digest('base64')}'`;
    expect(csp.get('script-src')).toContain(hash);
    expect(csp.get('script-src')).toContain("'self'");
    expect(csp.get('connect-src')).toEqual(["'self'", 'http:', 'https:']);
  });

  it('puts no page policy on the portal\'s scripts', async () => {
    const res = await fetch(`${url}/docs/app.js`);
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
