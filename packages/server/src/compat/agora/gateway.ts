/**
 * What Agora's API gateway does before and after its routes, for Parley's copies of them: the
 * request guard's Agora policy (Basic auth with the Customer ID and Secret, per-account request
 * rates counted per API in one-second windows, an App ID that must be one of the caller's),
 * registration from the protocol's Agora route tables, and Channel Management's failures as
 * `{message}` with the HTTP status (messages as Agora's gateway words them).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AgoraRoute } from '@parley/protocol';
import { DomainError, type DomainErrorKind } from '../../domainError.ts';
import { toApiError } from '../../http/errors.ts';
import { noteFailure } from '../../http/requestLog.ts';
import { customerSecretAuthenticator } from '../../http/guard/authenticators.ts';
import { agoraRatePolicy } from '../../http/guard/buckets.ts';
import { projectAccess, type ProjectAccess } from '../../http/guard/caller.ts';
import type { EdgePolicy } from '../../http/guard/guard.ts';
import { agoraOwnership, type OwnershipRule } from '../../http/guard/ownership.ts';
import { retryAfterHeader, type Refusal, type RefusalRenderer } from '../../http/guard/refusal.ts';
import type { Services } from '../../services.ts';

export class AgoraError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/**
 * Whether a URL lies under Agora's prefixes (`/dev/v1/…` Channel Management, `/v1/apps/…` Cloud
 * Recording), where every answer, an unknown path's included, takes Agora's shapes.
 */
export function isAgoraPath(url: string): boolean {
  return url.startsWith('/dev/v1/') || url.startsWith('/v1/apps/');
}

/** Agora's gateway (Kong) answer to a path it has no route for. */
export const AGORA_NO_ROUTE = { message: 'no Route matched with those values' } as const;

/**
 * Channel Management's one map from domain error kinds to HTTP statuses; the body is `{message}`
 * with the service's words, as Agora's routes answer their own errors.
 */
const CHANNEL_MANAGEMENT_STATUS: Record<DomainErrorKind, number> = {
  invalid_parameter: 400,
  invalid_channel_name: 400,
  not_found: 404,
  forbidden: 403,
  rate_limited: 429,
  unavailable: 503,
  unsupported: 400,
  channel_encrypted: 409,
  resource_not_found: 404,
  resource_expired: 400,
  resource_mismatch: 400,
  already_started: 409,
  task_conflict: 409,
  uid_in_use: 409,
  not_running: 409,
  already_stopped: 409,
  storage: 400,
  tools_missing: 503,
  invalid_token: 401,
  token_expired: 401,
  banned: 403,
  not_joined: 404,
  already_joined: 409,
  unknown_user: 404,
  session_not_found: 404,
  invalid_offer: 400,
  media_ports_exhausted: 503,
  too_many_sessions: 429,
  unauthorized: 401,
  conflict: 409,
};

export function installAgoraErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    noteFailure(reply, error.message);
    if (error instanceof AgoraError) {
      reply.code(error.status).headers(error.headers).send({ message: error.message });
      return;
    }
    if (error instanceof DomainError) {
      const headers = error.retryAfterSeconds !== undefined ? { 'Retry-After': String(error.retryAfterSeconds) } : {};
      reply.code(CHANNEL_MANAGEMENT_STATUS[error.kind]).headers(headers).send({ message: error.message });
      return;
    }
    const apiError = toApiError(error);
    if (apiError.status >= 500 && apiError.key === 'internal') request.log.error({ err: error }, 'request failed');
    // Validation failures say which field and why; other errors keep the catalogue's words.
    const message = apiError.status === 400 && apiError.details?.reason ? apiError.details.reason : apiError.message;
    reply.code(apiError.status).headers(apiError.headers).send({ message });
  });
}

const unauthorized = () => new AgoraError(401, 'Unauthorized');
const rateExceeded = (refusal: Refusal) => new AgoraError(429, 'API rate limit exceeded', retryAfterHeader(refusal));

/**
 * Agora's gateway words for the guard's refusals. Access tokens are not accepted on these routes,
 * so the token refusals never occur; they answer as any unusable credentials would.
 */
function agoraRefusals(unknownProject: (refusal: Refusal) => Error): RefusalRenderer {
  return {
    missing_credentials: unauthorized,
    malformed_credentials: unauthorized,
    wrong_secret: () => new AgoraError(401, 'Invalid authentication credentials'),
    invalid_token: unauthorized,
    too_many_failures: rateExceeded,
    rate_limited: rateExceeded,
    token_not_allowed: unauthorized,
    token_other_project: unauthorized,
    token_other_channel: unauthorized,
    unknown_project: unknownProject,
    session_ended: unauthorized,
    cross_site: unauthorized,
    role_too_low: unauthorized,
    project_disabled: (refusal) => new AgoraError(403, refusal.message),
  };
}

/**
 * The request guard of an Agora edge. Channel Management checks the App ID after validation (it
 * may sit in the body) and answers 401 "invalid appid"; Cloud Recording checks the path's before,
 * with its own `{code, reason}`.
 */
export function agoraPolicy(services: Services, ownershipAt: OwnershipRule['at'], unknownProject: (refusal: Refusal) => Error): EdgePolicy {
  return {
    authenticators: [customerSecretAuthenticator(services.projects)],
    rate: agoraRatePolicy,
    ownership: agoraOwnership(services.projects, ownershipAt),
    refusals: agoraRefusals(unknownProject),
  };
}

export const invalidAppId = () => new AgoraError(401, 'invalid appid');

export type AgoraHandler = (request: FastifyRequest, access: ProjectAccess, reply: FastifyReply) => Promise<unknown>;

/**
 * Registers an Agora route table into a scope that carries an Agora guard. Each route is in the
 * OpenAPI document under `tag`, described as the Agora route it mirrors, with Basic auth only.
 */
export function registerAgoraRoutes<Table extends Record<string, AgoraRoute>>(
  scope: FastifyInstance,
  table: Table,
  handlers: { [K in keyof Table]: AgoraHandler },
  tag: string,
): void {
  for (const [id, route] of Object.entries(table) as Array<[keyof Table, AgoraRoute]>) {
    const handler = handlers[id];
    scope.route({
      method: route.method,
      url: route.path,
      schema: {
        operationId: route.operationId,
        summary: route.summary,
        description: agoraDescription(route),
        tags: [tag],
        security: [{ basicAuth: [] }],
        ...(route.params ? { params: route.params } : {}),
        ...(route.query ? { querystring: route.query } : {}),
        ...(route.body ? { body: route.body } : {}),
        ...(route.response ? { response: { 200: route.response } } : {}),
      },
      config: { guard: { rate: { api: route.api, limit: route.rateLimit } } },
      handler: (request, reply) => handler(request, projectAccess(request.access), reply),
    });
  }
}

/** The route's own description, then what makes it Agora's: same call, Agora's answers, Agora's rate. */
function agoraDescription(route: AgoraRoute): string {
  const path = route.path.replace(/:(\w+)/g, '{$1}');
  return (
    `${route.description}\n\n` +
    `Mirrors Agora's \`${route.method} ${path}\`: the same request and Agora's answers (errors included), ` +
    `so code written for Agora works with the server URL changed. ` +
    `Authenticate with HTTP Basic: the Customer ID as user name and the Customer Secret as password. ` +
    `${route.rateLimit} requests a second per account for this API (\`${route.api}\`).`
  );
}
