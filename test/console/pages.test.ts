/**
 * How the server serves the console's files: /console redirects to /console/, every client-side
 * route answers the app's index.html, hashed bundles are cached for a year, a stale bundle name is
 * a 404 (not the app), and the pages run under their own CSP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installErrorHandler, installHtmlSecurity, registerConsolePages } from '@parley/server';

describe('the console pages', () => {
  let app: FastifyInstance;
  let root: string;

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-console-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Parley console</title><script type="module" src="/console/assets/index-abc123.js"></script>');
    fs.writeFileSync(path.join(root, 'assets/index-abc123.js'), 'console.log(1)');
    app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    installErrorHandler(app);
    installHtmlSecurity(app);
    registerConsolePages(app, { root });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('sends /console to /console/', async () => {
    const response = await app.inject({ url: '/console' });
    expect(response.statusCode).toBe(301);
    expect(response.headers.location).toBe('/console/');
  });

  it('answers the app for every client-side route, revalidated, under a CSP that allows Mantine\'s styles and no inline script', async () => {
    for (const url of ['/console/', '/console/projects', '/console/projects/0123456789abcdef0123456789abcdef/live', '/console/account/team?x=1']) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toContain('<title>Parley console</title>');
      expect(response.headers['cache-control']).toBe('no-cache');
    }
    const csp = String((await app.inject({ url: '/console/' })).headers['content-security-policy']);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('caches hashed bundles for a year, and a bundle name that is not there is a 404 envelope', async () => {
    const bundle = await app.inject({ url: '/console/assets/index-abc123.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const stale = await app.inject({ url: '/console/assets/index-old999.js' });
    expect(stale.statusCode).toBe(404);
    expect(stale.json()).toMatchObject({ code: 404, details: { field: 'path' } });
  });

  it('never serves a file outside its folder', async () => {
    for (const url of ['/console/..%2f..%2fetc%2fpasswd', '/console/%2e%2e/%2e%2e/package.json']) {
      const response = await app.inject({ url });
      expect(response.body).not.toContain('root:');
      expect(response.body).not.toContain('"workspaces"');
    }
  });

  it('says how to build the console when it is not built', async () => {
    const bare = Fastify();
    installErrorHandler(bare);
    registerConsolePages(bare, { root: path.join(os.tmpdir(), 'parley-no-console-here') });
    const response = await bare.inject({ url: '/console/projects' });
    expect(response.statusCode).toBe(404);
    expect(response.json().details.reason).toContain('npm run build');
    await bare.close();
  });
});
