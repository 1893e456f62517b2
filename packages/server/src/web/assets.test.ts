/**
 * The SDK bundles and the demo call page as the server serves them: types, ETags, 304s, clear 404s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../http/errors.ts';
import { registerWebAssets, type WebAssetsOptions } from './assets.ts';

const madeDirs: string[] = [];

function fakeDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sdk-dist-'));
  madeDirs.push(dir);
  fs.writeFileSync(path.join(dir, 'parley-rtc.js'), 'var ParleyRTC={};\n//# sourceMappingURL=parley-rtc.js.map\n');
  fs.writeFileSync(path.join(dir, 'parley-rtc.js.map'), '{"version":3}');
  fs.writeFileSync(path.join(dir, 'parley-rtc.mjs'), 'export default {};\n');
  fs.writeFileSync(path.join(dir, 'parley-rtc.mjs.map'), '{"version":3}');
  return dir;
}

describe('web assets', () => {
  const apps: FastifyInstance[] = [];
  async function appWith(options: WebAssetsOptions): Promise<FastifyInstance> {
    // As the real app: /call/ is /call.
    const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
    installErrorHandler(app);
    registerWebAssets(app, options);
    await app.ready();
    apps.push(app);
    return app;
  }
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
    for (const dir of madeDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the SDK bundles as JavaScript with an ETag, and revalidates with 304', async () => {
    const app = await appWith({ demo: false, sdkDir: fakeDist() });
    for (const file of ['parley-rtc.js', 'parley-rtc.mjs']) {
      const response = await app.inject({ method: 'GET', url: `/sdk/${file}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      const etag = response.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await app.inject({ method: 'GET', url: `/sdk/${file}`, headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    const map = await app.inject({ method: 'GET', url: '/sdk/parley-rtc.js.map' });
    expect(map.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('answers a 404 envelope that says to build when the bundle is missing', async () => {
    const app = await appWith({ demo: false, sdkDir: path.join(os.tmpdir(), 'parley-no-such-dist') });
    const response = await app.inject({ method: 'GET', url: '/sdk/parley-rtc.js' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 404, message: 'Resource not found', details: { reason: expect.stringContaining('npm run build') } });
  });

  it('serves the demo call page, its script and its styles in dev mode', async () => {
    const app = await appWith({ demo: true, sdkDir: fakeDist() });
    const page = await app.inject({ method: 'GET', url: '/call' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<script src="/sdk/parley-rtc.js"');
    expect(page.body).toContain('role="status"');
    expect((await app.inject({ method: 'GET', url: '/call/' })).statusCode).toBe(200);
    const script = await app.inject({ method: 'GET', url: '/call/app.js' });
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain('/call/token');
    const styles = await app.inject({ method: 'GET', url: '/call/style.css' });
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('serves the call page outside dev mode too, for console users (its script mints project tokens with the session)', async () => {
    const app = await appWith({ demo: false, sdkDir: fakeDist() });
    const response = await app.inject({ method: 'GET', url: '/call' });
    expect(response.statusCode).toBe(200);
    const script = await app.inject({ method: 'GET', url: '/call/app.js' });
    expect(script.body).toContain('/v1/console/session');
    const landing = await app.inject({ method: 'GET', url: '/' });
    expect(landing.body).toContain('Try a call');
    expect(landing.body).not.toContain('href="/call"');
  });

  it('keeps its routes out of the OpenAPI document', async () => {
    const app = Fastify();
    const hidden: boolean[] = [];
    app.addHook('onRoute', (route) => {
      hidden.push(Boolean((route.schema as { hide?: boolean } | undefined)?.hide));
    });
    registerWebAssets(app, { demo: true });
    await app.ready();
    await app.close();
    expect(hidden.length).toBeGreaterThan(0);
    expect(hidden.every(Boolean)).toBe(true);
  });
});
