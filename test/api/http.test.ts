/**
 * What every endpoint shares: the envelope for unknown routes and wrong methods, request ids,
 * CORS for the docs portal, the OpenAPI document, health and metrics.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agoraChannelManagementRoutes, agoraCloudRecordingRoutes, operations } from '@parley/protocol';
import { registeredRoutes } from '@parley/server';
import { BACKENDS } from '../support/backends.ts';
import { basic, call, startTestServer, type TestServer } from '../support/server.ts';

describe('HTTP surface', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(BACKENDS[0]!);
  });
  afterAll(() => t.stop());

  it('answers an unknown route with a 404 envelope', async () => {
    const res = await call(t.url, 'GET', '/v1/nothing/here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ code: 404, message: 'Route not found', details: { reason: 'No route GET /v1/nothing/here' } });
  });

  it('answers a wrong method with 405 and the allowed methods', async () => {
    const res = await call(t.url, 'PUT', `/v1/projects/${'a'.repeat(32)}/channels/x`);
    expect(res.status).toBe(405);
    expect(res.body.code).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, DELETE');
  });

  it.each([
    ['/v1/projects/%E0%A4%A', 400, 'path'],
    [`/v1/projects/${'a'.repeat(300)}/channels`, 414, 'path'],
    ['/docs/%E0%A4%A', 400, 'path'],
  ])('answers a URL the router cannot take (%s) with the %d envelope, not Fastify\'s', async (url, status, field) => {
    const res = await call(t.url, 'GET', url);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ code: status, message: expect.any(String), details: { field, reason: expect.any(String) } });
    expect(JSON.stringify(res.body)).not.toContain('FST_ERR');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it.each([
    ['/dev/v1/channel/%E0%A4%A', 400],
    [`/dev/v1/channel/user/${'a'.repeat(300)}/room`, 414],
    ['/v1/apps/%E0%A4%A/cloud_recording/acquire', 400],
    [`/v1/apps/${'a'.repeat(300)}/cloud_recording/acquire`, 414],
  ])('answers a URL the router cannot take on an Agora route (%s) in Agora\'s gateway shape', async (url, status) => {
    const res = await call(t.url, 'GET', url);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message: expect.any(String) });
    expect(res.body.message).not.toContain('FST_ERR');
  });

  it.each([
    ['a bad Content-Length', 'GET /v1/openapi.json HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['a header section over 16 KB', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`, 431],
  ])('answers a request that is not valid HTTP (%s) in the envelope', async (_label, raw, status) => {
    const { port } = new URL(t.url);
    const text = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(raw));
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      socket.on('error', reject);
    });
    expect(text.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}`);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toEqual({ code: status, message: expect.any(String), details: { field: expect.any(String), reason: expect.any(String) } });
  });

  it('gives every response an X-Request-Id, keeping a safe one the caller sent', async () => {
    const mine = await call(t.url, 'GET', '/healthz', { headers: { 'x-request-id': 'trace-123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const unsafe = await call(t.url, 'GET', '/v1/unknown', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lets a browser on another origin preflight and read the rate-limit headers', async () => {
    const preflight = await fetch(`${t.url}/v1/projects/${'a'.repeat(32)}/rtc/channels`, {
      method: 'OPTIONS',
      headers: { origin: 'http://docs.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);

    const project = await t.createProject();
    const res = await fetch(`${t.url}/v1/projects/${project.appId}/channels`, {
      headers: { origin: 'http://docs.example', authorization: basic(project.customerId, project.customerSecret!) },
    });
    expect(res.headers.get('access-control-expose-headers')).toMatch(/X-RateLimit-Remaining/);
  });

  it('serves an OpenAPI 3.1 document with every operation, its security schemes and error responses', async () => {
    const res = await call(t.url, 'GET', '/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.components.securitySchemes)).toEqual(['basicAuth', 'bearerAuth', 'consoleSession']);
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const operation of Object.values(operations)) {
      const openApiPath = operation.path.replace(/:(\w+)/g, '{$1}');
      const entry = doc.paths[openApiPath]?.[operation.method.toLowerCase()];
      expect(entry, `${operation.method} ${openApiPath}`).toBeDefined();
      expect(entry.operationId).toBe(operation.operationId);
      for (const status of ['200', '401', '429', '500', ...operation.errors.map(String)]) {
        expect(entry.responses[status], `${operation.operationId} ${status}`).toBeDefined();
      }
    }
    const create = doc.paths['/v1/projects/{projectId}/rtc/channels'].post;
    const bodySchema = create.requestBody.content['application/json'].schema;
    expect(bodySchema.properties.channel.pattern).toBeDefined();
    expect(bodySchema.required).toEqual(['channel']);
    expect(doc.paths['/healthz']).toBeUndefined();
  });

  /**
   * Routes left out of the OpenAPI document on purpose: none is a JSON API call a client makes with
   * credentials. The document itself; health, readiness and Prometheus metrics (probes for load
   * balancers and scrapers); the signaling WebSocket (not request/response; its messages have their
   * own reference); the dev-only demo page's token route; and static files (landing page, SDK
   * bundles, demo call page, docs portal and its one redirect, console pages).
   */
  const HIDDEN_ON_PURPOSE = [
    'GET /v1/openapi.json',
    'GET /healthz',
    'GET /readyz',
    'GET /metrics',
    'GET /v1/rtc',
    'POST /call/token',
    'GET /',
    'GET /landing.css',
    'GET /sdk/parley-rtc.js',
    'GET /sdk/parley-rtc.js.map',
    'GET /sdk/parley-rtc.mjs',
    'GET /sdk/parley-rtc.mjs.map',
    'GET /sdk/:version/:file',
    'GET /call/protocol.js',
    'GET /call',
    'GET /call/app.js',
    'GET /call/style.css',
    'GET /docs',
    'GET /docs/*',
    // The REST page's "../sdk-documentation/…" link, redirected into the portal.
    'GET /sdk-documentation/*',
    'GET /console',
    'GET /console/*',
  ];

  it('documents every registered route but the ones hidden on purpose', async () => {
    const doc = (await call(t.url, 'GET', '/v1/openapi.json')).body;
    const routes = registeredRoutes(t.server.app);
    // Enough to know the list is the app's, not an empty one.
    expect(routes.length).toBeGreaterThan(Object.keys(operations).length);
    const undocumented = routes
      .filter((route) => !doc.paths[route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}')]?.[route.method.toLowerCase()])
      .map((route) => `${route.method} ${route.url}`);
    expect(undocumented.sort()).toEqual([...HIDDEN_ON_PURPOSE].sort());
    // And a hidden route is hidden by its schema, not lost.
    for (const route of routes) expect(route.hidden, `${route.method} ${route.url}`).toBe(HIDDEN_ON_PURPOSE.includes(`${route.method} ${route.url}`));
  });

  it('documents the Agora-compatible routes under their own tags, with Basic auth, as mirrors of Agora\'s', async () => {
    const doc = (await call(t.url, 'GET', '/v1/openapi.json')).body;
    const tables = { 'Agora Channel Management': agoraChannelManagementRoutes, 'Agora Cloud Recording': agoraCloudRecordingRoutes };
    for (const [tag, table] of Object.entries(tables)) {
      expect(doc.tags.map((t: { name: string }) => t.name)).toContain(tag);
      for (const route of Object.values(table)) {
        const entry = doc.paths[route.path.replace(/:(\w+)/g, '{$1}')]?.[route.method.toLowerCase()];
        expect(entry, route.operationId).toMatchObject({ operationId: route.operationId, summary: route.summary, tags: [tag], security: [{ basicAuth: [] }] });
        expect(entry.description).toContain(`Mirrors Agora's \`${route.method} `);
      }
    }
  });

  it('answers the root with a landing page linking the docs, the console and the demo call', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await res.text();
    for (const href of ['/console/', '/docs/', '/v1/openapi.json', '/landing.css', '/healthz']) expect(html).toContain(`href="${href}"`);
    expect(html).not.toContain('{{demo}}');
    // The test server runs without dev mode: the open demo is named, not linked; the console's "Try a call" is the way.
    expect(html).not.toContain('href="/call"');
    expect(html).toMatch(/Try a call/);
    expect((await fetch(`${t.url}/landing.css`)).headers.get('content-type')).toMatch(/^text\/css/);
  });

  it('sends every kind of page with its security headers and no CORS, and API answers without them', async () => {
    // The pages' reply hook runs in their own scope (app.ts): a page that moved out of it would lose these.
    for (const page of ['/', '/call', '/docs/', '/docs/no-such-page', '/console/', '/console/projects']) {
      const res = await fetch(`${t.url}${page}`, { headers: { origin: 'https://elsewhere.example' } });
      expect(res.headers.get('content-type'), page).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy'), page).toMatch(/default-src 'self'/);
      expect(res.headers.get('x-frame-options'), page).toBe('DENY');
      expect(res.headers.get('access-control-allow-origin'), page).toBeNull();
      await res.body?.cancel();
    }
    const api = await fetch(`${t.url}/v1/projects/${'0'.repeat(32)}/channels`, { headers: { origin: 'https://elsewhere.example' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('access-control-allow-origin')).not.toBeNull();
    expect(api.headers.get('content-security-policy')).toBeNull();
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await call(t.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await call(t.url, 'GET', '/readyz')).body).toEqual({ status: 'ready', store: 'sqlite', live: 'memory' });
    const metrics = await fetch(`${t.url}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/parley_http_request_duration_seconds_bucket\{.*route="\/healthz"/);
    expect(text).toMatch(/parley_process_cpu_seconds_total/);
    expect(text).toMatch(/^parley_nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it('counts every request under its method, route and status', async () => {
    const count = async (labels: string) => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      return Number(new RegExp(`^parley_http_request_duration_seconds_count\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    };
    const healthy = 'method="GET",route="/healthz",status_code="200"';
    const missing = 'method="GET",route="unmatched",status_code="404"';
    const [healthyBefore, missingBefore] = [await count(healthy), await count(missing)];
    for (let i = 0; i < 3; i++) await call(t.url, 'GET', '/healthz');
    await call(t.url, 'GET', '/no-such-page');
    expect(await count(healthy)).toBe(healthyBefore + 3);
    expect(await count(missing)).toBe(missingBefore + 1);
  });
});
