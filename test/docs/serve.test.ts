/**
 * `registerDocs`, the server's /docs route: pages with and without `.html`, directory indexes,
 * content types and caching, the site's 404 page, no escape from the build folder, and the 404
 * envelope naming `npm run build` when there is no build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDocs, tempDir, type DocsServer } from '../support/docsSite.ts';

describe('the /docs route', () => {
  let root: string;
  let docs: DocsServer;
  let missing: DocsServer;

  beforeAll(async () => {
    // A miniature build with the shapes Docusaurus writes (trailingSlash: false).
    root = tempDir('parley-docs-serve-');
    const write = (file: string, content: string) => {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    };
    write('index.html', '<h1>home</h1>');
    write('404.html', '<h1>not here</h1>');
    write('quick-start.html', '<h1>quick start</h1>');
    write('reference.html', '<h1>reference index</h1>');
    write('reference/create-channel.html', '<h1>create channel</h1>');
    write('assets/js/main.0123abcd.js', 'console.log(1)');
    write('assets/css/styles.0123abcd.css', 'body{}');
    write('img/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    write('guides/index.html', '<h1>guides</h1>');
    fs.writeFileSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), 'outside');
    docs = await serveDocs(root);
    missing = await serveDocs(path.join(root, 'no-build-here'));
  });
  afterAll(async () => {
    await docs.close();
    await missing.close();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(root), `${path.basename(root)}-secret.txt`), { force: true });
  });

  const get = (server: DocsServer, url: string, headers: Record<string, string> = {}) => fetch(`${server.url}${url}`, { headers, redirect: 'manual' });

  it('sends /docs to /docs/ and serves the index there', async () => {
    const redirect = await get(docs, '/docs');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/docs/');
    const index = await get(docs, '/docs/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await index.text()).toBe('<h1>home</h1>');
  });

  it('finds pages by name, name.html and folder index, with or without a trailing slash', async () => {
    for (const [url, body] of [
      ['/docs/quick-start', 'quick start'],
      ['/docs/quick-start/', 'quick start'],
      ['/docs/quick-start.html', 'quick start'],
      ['/docs/reference', 'reference index'],
      ['/docs/reference/', 'reference index'],
      ['/docs/reference/create-channel', 'create channel'],
      ['/docs/guides', 'guides'],
      ['/docs/guides/', 'guides'],
    ]) {
      const response = await get(docs, url!);
      expect(response.status, url).toBe(200);
      expect(await response.text(), url).toBe(`<h1>${body}</h1>`);
    }
  });

  it('sends assets with their content type; hashed bundles are immutable, pages revalidate by ETag', async () => {
    const js = await get(docs, '/docs/assets/js/main.0123abcd.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get(docs, '/docs/assets/css/styles.0123abcd.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await get(docs, '/docs/img/logo.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('x-content-type-options')).toBe('nosniff');

    const page = await get(docs, '/docs/quick-start');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const etag = page.headers.get('etag')!;
    expect((await get(docs, '/docs/quick-start', { 'If-None-Match': etag })).status).toBe(304);
    const head = await fetch(`${docs.url}/docs/quick-start`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers unknown pages with the site\'s 404 page, and never serves a file outside the build', async () => {
    const unknown = await get(docs, '/docs/no-such-page');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe('<h1>not here</h1>');
    for (const url of [`/docs/..%2f${path.basename(root)}-secret.txt`, '/docs/%2e%2e/%2e%2e/etc/passwd', '/docs/%00', '/docs/%E0%A4%A']) {
      const response = await get(docs, url);
      // Fastify itself answers 400 to a malformed escape; the others are simply not in the site.
      expect([400, 404], url).toContain(response.status);
      expect(await response.text(), url).not.toContain('outside');
    }
  });

  it('sends the REST page\'s "../sdk-documentation/…" link to the SDK guide inside the portal', async () => {
    const response = await fetch(`${docs.url}/sdk-documentation/video-calling-sdk-guide`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/docs/sdk-documentation/video-calling-sdk-guide');
    const withQuery = await fetch(`${docs.url}/sdk-documentation/migrating-from-agora?from=seed#coverage`, { redirect: 'manual' });
    expect(withQuery.headers.get('location')).toBe('/docs/sdk-documentation/migrating-from-agora?from=seed');
    // A malformed escape is the client's mistake: a 400, never a 500.
    expect((await fetch(`${docs.url}/sdk-documentation/%E0%A4%A`, { redirect: 'manual' })).status).toBe(400);
  });

  it('says how to build the site when there is no build', async () => {
    const response = await get(missing, '/docs/');
    expect(response.status).toBe(404);
    const body = await response.json();
    expect(body).toMatchObject({ code: 404, message: 'Resource not found', details: { field: 'path' } });
    expect(body.details.reason).toContain('npm run build');
  });
});
