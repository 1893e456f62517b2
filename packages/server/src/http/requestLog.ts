/**
 * One log line per answered request, written for the person reading the log: API requests at
 * info ("POST /v1/projects/…/rtc/channels → 200 in 4 ms"), refusals with their reason, failures
 * at warn; pages, bundles and probes (docs, SDK, call page, health, metrics) only at debug, so a
 * browser loading the docs does not bury the calls. Fastify's own two lines a request are off.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

declare module 'fastify' {
  interface FastifyReply {
    /** Why the request was refused or failed, in the answer's words, for its log line. */
    failureReason: string | null;
  }
}

const QUIET_PREFIXES = ['/docs', '/console', '/sdk/', '/call', '/landing.css', '/healthz', '/readyz', '/metrics', '/favicon'];

function quiet(path: string, method: string): boolean {
  if (path === '/') return true;
  // The demo's token route is an API call; the rest of /call is the page.
  if (path === '/call/token' && method === 'POST') return false;
  return QUIET_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** Notes why a request failed, for the request's log line. */
export function noteFailure(reply: FastifyReply, reason: string): void {
  reply.failureReason = reason;
}

export function installRequestLog(app: FastifyInstance): void {
  app.decorateReply('failureReason', null);
  // The callback form: no promise and microtask turn on every request (see observability.ts).
  app.addHook('onResponse', (request, reply, done) => {
    logLine(request, reply);
    done();
  });
}

function logLine(request: FastifyRequest, reply: FastifyReply): void {
  // (The app's logger is pino's, see app.ts; Fastify's logger type leaves this method out.)
  const log = request.log as unknown as Logger;
  const status = reply.statusCode;
  // Below the configured level the line would be dropped: skip building it (every request). Only
  // failures log above info, so at warn (a quiet production setup) a success ends here.
  if (status < 500 && !log.isLevelEnabled('info')) return;
  const path = request.url.split('?')[0] ?? '/';
  const level = status >= 500 ? 'warn' : quiet(path, request.method) && status < 400 ? 'debug' : 'info';
  if (!log.isLevelEnabled(level)) return;
  const ms = Math.round(reply.elapsedTime);
  const details = { statusCode: status, responseTime: ms, ...(reply.failureReason ? { reason: reply.failureReason } : {}) };
  const line = `${request.method} ${path} → ${status} in ${ms} ms${reply.failureReason ? `: ${reply.failureReason}` : ''}`;
  request.log[level](details, line);
}
