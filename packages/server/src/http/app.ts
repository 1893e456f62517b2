/**
 * Builds the Fastify application: hooks, error envelope, OpenAPI, CORS, and every route.
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import FindMyWay from 'find-my-way';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { channelHandlers } from '../channels/routes.ts';
import { registerConsole } from '../console/routes.ts';
import { registerDemoRoutes } from '../demo/routes.ts';
import { registerSignaling } from '../rtc/signalingRoute.ts';
import { registerWebAssets } from '../web/assets.ts';
import { registerDocs } from '../web/docs.ts';
import { registerConsolePages } from '../web/console.ts';
import type { Services } from '../services.ts';
import { sessionHandlers } from '../sessions/routes.ts';
import { tokenHandlers } from '../tokens/routes.ts';
import { usageHandlers } from '../usage/routes.ts';
import { recordingFileHandlers, recordingHandlers } from '../recording/routes.ts';
import { registerAgoraCloudRecording } from '../compat/agora/cloudRecording.ts';
import { webhookHandlers } from '../webhooks/routes.ts';
import { registerAgoraChannelManagement } from '../compat/agora/channelManagement.ts';
import { AGORA_NO_ROUTE, isAgoraPath } from '../compat/agora/gateway.ts';
import { ApiError } from './apiError.ts';
import { installCors } from './cors.ts';
import { installErrorHandler } from './errors.ts';
import { answerClientError, answerFrameworkError } from './frameworkErrors.ts';
import { installHtmlSecurity } from './htmlSecurity.ts';
import { installObservability, requestIdFor } from './observability.ts';
import { installOpenApi } from './openapi.ts';
import { installRequestLog } from './requestLog.ts';
import { installGuard } from './guard/guard.ts';
import { registerFileOperations, registerOperations } from './operations.ts';
import { v1Policy } from './v1Policy.ts';
import { compileValidator } from './validation.ts';

export const API_VERSION = '1.0.0';
const BODY_LIMIT = 1024 * 1024;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

export interface AppOptions {
  config: Pick<Config, 'http' | 'node'>;
  services: Services;
  /** Made with credentials redacted (see server.ts), so no serializer can log them. */
  logger: Logger;
  /** Certificate and key: the app serves HTTPS (and WSS) instead of HTTP. */
  tls?: { cert: Buffer; key: Buffer };
}

/** Fastify trusts a hop count too, but its typings know only the function that stands for it. */
function trustProxyOption(trusted: string[] | number | undefined): string[] | boolean | ((address: string, hop: number) => boolean) {
  if (typeof trusted === 'number') return (_address, hop) => hop < trusted;
  return trusted ?? false;
}

export async function buildApp({ config, services, logger, tls }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // An https.Server is an http.Server with TLS underneath: the rest of the app types it as the
    // plain one (Fastify's typings would otherwise pick HTTP/2's overload).
    ...(tls ? ({ https: { cert: tls.cert, key: tls.key } } as object) : {}),
    // request.ip (and so every limit, budget and ban by address) and request.protocol believe
    // X-Forwarded-* only from these peers; by default from nobody.
    trustProxy: trustProxyOption(config.http.trustedProxies),
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    genReqId: requestIdFor,
    requestIdHeader: false,
    // requestLog.ts writes one line a request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  app.setValidatorCompiler(({ schema, httpPart }) => compileValidator(schema, httpPart));
  // Only JSON bodies are accepted; anything else is a 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  // A mirror of the route table tells "wrong method" (405) from "no such path" (404).
  const routeMirror = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 256 });
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if ((METHODS as readonly string[]).includes(method) && !routeMirror.find(method as Method, route.url)) {
        routeMirror.on(method as Method, route.url, () => {});
      }
    }
  });

  installRequestLog(app);
  installErrorHandler(app);
  installCors(app, {
    origins: config.http.corsOrigins,
    methods: METHODS,
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'X-CSRF-Token'],
    exposedHeaders: ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'X-Request-Id'],
    maxAgeSeconds: 600,
  });
  await installOpenApi(app, API_VERSION);
  installObservability(app, services);
  await registerSignaling(app, services.rtc);
  // The one request decoration: who the request guard says is calling, and for which project.
  app.decorateRequest('access', null);
  const guardDeps = { counter: services.live.rateCounter, failures: services.authFailures };
  await registerDemoRoutes(app, services, guardDeps, { dev: config.node.dev });
  // The pages, in a scope of their own: their security headers are set by a reply hook that API
  // answers, which are never HTML, need not pass through.
  await app.register(async (pages) => {
    installHtmlSecurity(pages);
    registerWebAssets(pages, { demo: config.node.dev });
    registerDocs(pages);
    registerConsolePages(pages);
  });
  await app.register(async (v1) => {
    installGuard(v1, v1Policy(services), guardDeps);
    registerOperations(v1, {
      ...channelHandlers(services.channels),
      ...tokenHandlers(services.tokens),
      ...sessionHandlers(services.sessions),
      ...usageHandlers(services.usage),
      ...webhookHandlers(services.webhooks),
      ...recordingHandlers(services.recordings),
    });
    registerFileOperations(v1, recordingFileHandlers(services.recordings, config.node.id));
  });
  await registerConsole(app, services, guardDeps);
  await registerAgoraChannelManagement(app, services, guardDeps);
  await registerAgoraCloudRecording(app, services, guardDeps);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    // Under Agora's prefixes an unknown path is answered as Agora's gateway does.
    if (isAgoraPath(path)) return reply.code(404).send(AGORA_NO_ROUTE);
    const allowed = METHODS.filter((method) => routeMirror.find(method, path));
    if (allowed.length > 0) {
      throw new ApiError('method_not_allowed', { reason: `${request.method} is not allowed here; use ${allowed.join(', ')}` }, { Allow: allowed.join(', ') });
    }
    throw new ApiError('route_not_found', { reason: `No route ${request.method} ${path}` });
  });
  return app;
}
