/**
 * The SDK bundles and the demo call page as the server serves them: types, ETags, 304s, clear 404s,
 * and the SDK under its version, cached as immutable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installErrorHandler } from '../http/errors.ts';
import { registerWebAssets, sdkBundleVersion, type WebAssetsOptions } from './assets.ts';

const madeDirs: string[] = [];

/** A dist folder as the SDK build writes it; `banner` false for one built before bundles named their version. */
function fakeDist({ banner = true } = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sdk-dist-'));
  madeDirs.push(dir);
  const head = banner ? '/*! @parley/rtc-sdk 1.2.3 | Apache-2.0 */\n' : '';
  fs.writeFileSync(path.join(dir, 'parley-rtc.js'), `${head}var ParleyRTC={};\n//# sourceMappingURL=parley-rtc.js.map\n`);
  fs.writeFileSync(path.join(dir, 'parley-rtc.js.map'), '{"version":3}');
  fs.writeFileSync(path.join(dir, 'parley-rtc.mjs'), `${head}export default {};\n`);
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

  it('serves the bundles and their maps under the version their banner names, cached for a year as immutable', async () => {
    const app = await appWith({ demo: false, sdkDir: fakeDist() });
    for (const file of ['parley-rtc.js', 'parley-rtc.mjs', 'parley-rtc.js.map', 'parley-rtc.mjs.map']) {
      const versioned = await app.inject({ method: 'GET', url: `/sdk/1.2.3/${file}` });
      const current = await app.inject({ method: 'GET', url: `/sdk/${file}` });
      expect(versioned.statusCode).toBe(200);
      expect(versioned.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(versioned.headers['content-type']).toBe(current.headers['content-type']);
      expect(versioned.body).toBe(current.body);
      expect(current.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers a 404 envelope naming the version it has for any other version, and for unknown files', async () => {
    const app = await appWith({ demo: false, sdkDir: fakeDist() });
    for (const version of ['1.2.4', '0.1.0', 'latest', '1.2.3-beta.1']) {
      const response = await app.inject({ method: 'GET', url: `/sdk/${version}/parley-rtc.js` });
      expect(response.statusCode).toBe(404);
      expect(response.headers['cache-control']).toBeUndefined();
      expect(response.json()).toMatchObject({ code: 404, message: 'Resource not found', details: { reason: expect.stringContaining('/sdk/1.2.3/') } });
    }
    const unknownFile = await app.inject({ method: 'GET', url: '/sdk/1.2.3/other.js' });
    expect(unknownFile.statusCode).toBe(404);
    expect(unknownFile.json()).toMatchObject({ code: 404, details: { reason: expect.stringContaining('parley-rtc.mjs') } });
  });

  it('serves no version of a bundle without a banner (an older build) but still serves it unversioned', async () => {
    const app = await appWith({ demo: false, sdkDir: fakeDist({ banner: false }) });
    expect((await app.inject({ method: 'GET', url: '/sdk/parley-rtc.js' })).statusCode).toBe(200);
    const versioned = await app.inject({ method: 'GET', url: '/sdk/1.2.3/parley-rtc.js' });
    expect(versioned.statusCode).toBe(404);
    expect(versioned.json()).toMatchObject({ code: 404, details: { reason: expect.stringContaining('npm run build') } });
  });

  it('reads the version from the banner alone', () => {
    expect(sdkBundleVersion(Buffer.from('/*! @parley/rtc-sdk 0.1.0 | Apache-2.0 */\n"use strict";'))).toBe('0.1.0');
    expect(sdkBundleVersion(Buffer.from('/*! @parley/rtc-sdk 2.0.0-rc.1 | Apache-2.0 */'))).toBe('2.0.0-rc.1');
    expect(sdkBundleVersion(Buffer.from('"use strict";/*! @parley/rtc-sdk 0.1.0 | Apache-2.0 */'))).toBeUndefined();
    expect(sdkBundleVersion(Buffer.from('/*! other-sdk 0.1.0 | MIT */'))).toBeUndefined();
  });

  it('answers a 404 envelope that says to build when the bundle is missing', async () => {
    const app = await appWith({ demo: false, sdkDir: path.join(os.tmpdir(), 'parley-no-such-dist') });
    for (const url of ['/sdk/parley-rtc.js', '/sdk/0.1.0/parley-rtc.js']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ code: 404, message: 'Resource not found', details: { reason: expect.stringContaining('npm run build') } });
    }
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
