import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { installCors, type CorsPolicy } from './cors.ts';
import { installErrorHandler } from './errors.ts';

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

async function build(origins: CorsPolicy['origins']): Promise<FastifyInstance> {
  app = Fastify();
  installErrorHandler(app);
  installCors(app, { origins, methods: ['GET', 'POST'], allowedHeaders: ['Authorization', 'Content-Type'], exposedHeaders: ['X-RateLimit-Remaining', 'X-Request-Id'], maxAgeSeconds: 600 });
  app.get('/thing', async () => ({ ok: true }));
  await app.register(async (guarded) => {
    // A scope whose every request is refused, as the API's guard refuses a request without credentials.
    guarded.addHook('onRequest', async () => {
      throw new Error('the guard ran');
    });
    guarded.post('/guarded', async () => ({ ok: true }));
  });
  return app;
}

describe('CORS', () => {
  it('lets any origin read answers and their rate-limit headers when every origin is allowed', async () => {
    const server = await build('*');
    const res = await server.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://docs.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toBe('X-RateLimit-Remaining, X-Request-Id');
    expect(res.headers.vary).toBeUndefined();
  });

  it('names only an allowed origin, and tells caches the answer varies by origin', async () => {
    const server = await build(['https://app.example']);
    const allowed = await server.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://app.example' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers.vary).toBe('Origin');
    const stranger = await server.inject({ method: 'GET', url: '/thing', headers: { origin: 'https://evil.example' } });
    expect(stranger.statusCode).toBe(200);
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
    expect(stranger.headers.vary).toBe('Origin');
    const noOrigin = await server.inject({ method: 'GET', url: '/thing' });
    expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight of a guarded route without running its guard', async () => {
    const server = await build('*');
    const res = await server.inject({
      method: 'OPTIONS',
      url: '/guarded',
      headers: { origin: 'https://docs.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Authorization, Content-Type',
      'access-control-max-age': '600',
    });
  });

  it('refuses an OPTIONS request that is no preflight in the error envelope', async () => {
    const server = await build('*');
    for (const headers of [{}, { origin: 'https://docs.example' }, { 'access-control-request-method': 'POST' }]) {
      const res = await server.inject({ method: 'OPTIONS', url: '/guarded', headers });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ code: 400, message: 'Invalid request parameter', details: { field: 'Origin', reason: expect.stringContaining('preflight') } });
    }
  });
});
