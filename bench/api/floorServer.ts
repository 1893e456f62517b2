/**
 * The floor of bench:api:floor: the least a Fastify route can do and still answer Parley's
 * authenticated `GET channel` as Parley does. Basic credentials checked against a SHA-256 in
 * constant time, a per-account rate window with its three headers, the route's param schema and a
 * response schema of the channel's shape; accounts and channels in Maps. With `extras`, what a
 * production server adds to every request, each as plainly as Fastify and its usual libraries do it:
 * CORS's two headers, a request id (its header, and pino's child logger per request that Fastify
 * makes with it) and prom-client's duration histogram.
 *
 * It speaks serverProtocol.ts; each account it makes has a project with the bench channel.
 * Argument: `extras` for the second form.
 */
import { hash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { Histogram, Registry } from 'prom-client';
// Not childServer.ts: it imports Parley's server package, which this process must not load.
import { answerBenchProtocol, CHANNEL, type BenchAccount } from './serverProtocol.ts';

const EXTRAS = process.argv[2] === 'extras';
const RATE_LIMIT = 1000;
const MINUTE_MS = 60_000;

const app: FastifyInstance = EXTRAS
  ? Fastify({ loggerInstance: pino({ level: 'warn' }) as FastifyBaseLogger, genReqId: () => randomUUID(), disableRequestLogging: true })
  : Fastify();

const accounts = new Map<string, { id: string; secretHash: Buffer; appId: string }>();
const windows = new Map<string, { start: number; count: number }>();
const channels = new Map<string, Record<string, unknown>>();

if (EXTRAS) {
  const exposed = 'X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, X-Request-Id';
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('access-control-allow-origin', '*');
    reply.header('access-control-expose-headers', exposed);
    reply.header('x-request-id', request.id);
    done();
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [new Registry()],
  });
  app.addHook('onResponse', (request, reply, done) => {
    durations.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: reply.statusCode }, reply.elapsedTime / 1000);
    done();
  });
}

app.addHook('onRequest', (request, reply, done) => {
  const decoded = Buffer.from((request.headers.authorization ?? '').slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const account = accounts.get(decoded.slice(0, colon));
  const presented = Buffer.from(hash('sha256', decoded.slice(colon + 1), 'hex'), 'hex');
  if (!account || !timingSafeEqual(presented, account.secretHash)) {
    reply.code(401).send({ code: 401, message: 'Unauthorized' });
    return;
  }
  const now = Date.now();
  const start = now - (now % MINUTE_MS);
  let window = windows.get(account.id);
  if (!window || window.start !== start) windows.set(account.id, (window = { start, count: 0 }));
  window.count++;
  reply.header('x-ratelimit-limit', RATE_LIMIT);
  reply.header('x-ratelimit-remaining', Math.max(0, RATE_LIMIT - window.count));
  reply.header('x-ratelimit-reset', Math.ceil((start + MINUTE_MS) / 1000));
  if (window.count > RATE_LIMIT) {
    reply.code(429).send({ code: 429, message: 'Too many requests' });
    return;
  }
  const { projectId } = request.params as { projectId?: string };
  if (projectId !== account.appId) {
    reply.code(403).send({ code: 403, message: 'Forbidden' });
    return;
  }
  done();
});

const nullable = (type: string) => ({ type: [type, 'null'] });
const channelSchema = {
  type: 'object',
  properties: {
    channel: { type: 'string' },
    projectId: { type: 'string' },
    mode: { type: 'string' },
    createdAt: { type: 'string' },
    createdByUid: nullable('string'),
    persistent: { type: 'boolean' },
    settings: { type: 'object', properties: { resourceExpiredHour: nullable('integer'), recordingConfig: nullable('object') } },
    participantCount: { type: 'integer' },
    participants: { type: 'array', items: { type: 'object' } },
    recording: { type: 'object', properties: { state: { type: 'string' }, sid: nullable('string') } },
  },
};
app.get(
  '/v1/projects/:projectId/channels/:channel',
  {
    schema: {
      params: {
        type: 'object',
        properties: { projectId: { type: 'string', pattern: '^[0-9a-f]{32}$' }, channel: { type: 'string', pattern: '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]{1,64}$' } },
        required: ['projectId', 'channel'],
      },
      response: { 200: { type: 'object', properties: { code: { type: 'integer' }, message: { type: 'string' }, data: channelSchema } } },
    },
  },
  (request) => {
    const { projectId, channel } = request.params as { projectId: string; channel: string };
    return { code: 200, message: 'success', data: channels.get(`${projectId}/${channel}`) };
  },
);

function createAccounts(count: number): BenchAccount[] {
  const made: BenchAccount[] = [];
  for (let i = 0; i < count; i++) {
    const [customerId, customerSecret, appId] = [0, 1, 2].map(() => randomBytes(16).toString('hex')) as [string, string, string];
    accounts.set(customerId, { id: `account-${i}`, secretHash: Buffer.from(hash('sha256', customerSecret, 'hex'), 'hex'), appId });
    channels.set(`${appId}/${CHANNEL}`, {
      channel: CHANNEL,
      projectId: appId,
      mode: 'rtc',
      createdAt: new Date().toISOString(),
      createdByUid: null,
      persistent: true,
      settings: { resourceExpiredHour: null, recordingConfig: null },
      participantCount: 0,
      participants: [],
      recording: { state: 'idle', sid: null },
    });
    made.push({ appId, customerId, customerSecret });
  }
  return made;
}

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (typeof address !== 'object' || !address) throw new Error('floor server has no TCP address');

answerBenchProtocol({
  ready: { url: `http://127.0.0.1:${address.port}` },
  createAccounts: async (count) => createAccounts(count),
  stop: async (code) => {
    await app.close();
    process.exit(code);
  },
});
