/**
 * CORS, so that browsers on other origins (the docs portal's API tester, customers' web apps) can
 * call the API and read its rate-limit headers: the allow and expose headers on every answer, and
 * the answer to every preflight.
 *
 * Why not @fastify/cors: it rebuilds its answer on every request (a copy of its options object,
 * Fastify's route options built twice, the exposed header list joined again), about 9,000 of the
 * 200,000 instructions of an authenticated GET (bench:api:instructions, the plugin left out). The
 * policy here is fixed at start, so every header value is computed once.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './apiError.ts';

export interface CorsPolicy {
  /** Origins allowed to read answers; `*` allows any (credentials travel in headers, never cookies). */
  origins: string[] | '*';
  methods: readonly string[];
  /** Request headers a browser may send. */
  allowedHeaders: readonly string[];
  /** Response headers a browser lets a page read. */
  exposedHeaders: readonly string[];
  /** How long a browser may reuse a preflight's answer. */
  maxAgeSeconds: number;
}

export function installCors(app: FastifyInstance, policy: CorsPolicy): void {
  const exposed = policy.exposedHeaders.join(', ');
  const preflightHeaders = {
    'access-control-allow-methods': policy.methods.join(', '),
    'access-control-allow-headers': policy.allowedHeaders.join(', '),
    'access-control-max-age': String(policy.maxAgeSeconds),
  };
  const allowed = policy.origins === '*' ? undefined : new Set(policy.origins);

  // Header names in lower case, as Fastify stores them (it lowercases every name it is given).
  function allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
    if (allowed === undefined) {
      reply.header('access-control-allow-origin', '*');
    } else {
      // The answer depends on the asking origin: caches must keep one per origin.
      reply.header('vary', 'Origin');
      const origin = request.headers.origin;
      if (origin !== undefined && allowed.has(origin)) reply.header('access-control-allow-origin', origin);
    }
    reply.header('access-control-expose-headers', exposed);
  }

  // The callback form: no promise and microtask turn on every request (see observability.ts).
  app.addHook('onRequest', (request, reply, done) => {
    allowOrigin(request, reply);
    done();
  });
  // Preflights of every path land here, in the root scope: no route guard (they are all in child
  // scopes) asks them for credentials a preflight cannot carry.
  app.options('*', { schema: { hide: true } }, (request, reply) => {
    if (request.headers.origin === undefined || request.headers['access-control-request-method'] === undefined) {
      throw new ApiError('invalid_parameter', { field: 'Origin', reason: 'An OPTIONS request is a CORS preflight: send Origin and Access-Control-Request-Method' });
    }
    reply.code(204).headers(preflightHeaders).send();
  });
}
