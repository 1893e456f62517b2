/**
 * What Agora's API gateway does before and after its Channel Management routes, for Parley's
 * copies of them: Basic auth with the Customer ID and Secret, an App ID that must be one of the
 * caller's (401 otherwise), per-account request rates counted per API in one-second windows, and
 * every failure as `{message}` with the HTTP status (messages as Agora's gateway words them).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind } from '../../domainError.ts';
import { toApiError } from '../../http/errors.ts';
import { readAuthorization } from '../../http/credentials.ts';
import type { Account, Project } from '../../projects/service.ts';
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

/** Agora's limits per customer account and API: 20 requests a second for online-channel queries, 10 for the others. */
export const AGORA_RATE_LIMITS = { onlineChannelQuery: 20, other: 10 } as const;
const RATE_WINDOW_MS = 1_000;

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
};

export function installAgoraErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
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

/**
 * The account whose Customer ID and Secret the request carries (Basic only, as Agora's routes).
 * Failures spend the caller's budgets of failed authentications (shared with the v1 API); past
 * one, Agora's gateway words: 429 "API rate limit exceeded" (see http/authFailures.ts).
 */
export async function authenticateCustomer(services: Services, request: FastifyRequest): Promise<Account> {
  if (!request.headers.authorization) throw new AgoraError(401, 'Unauthorized');
  const presented = readAuthorization(request.headers.authorization);
  const basic = 'scheme' in presented && presented.scheme === 'basic' ? presented : undefined;
  const attempt = { ip: request.ip, customerId: basic?.customerId };
  const refused = (refusal: { retryAfterSeconds: number }) => new AgoraError(429, 'API rate limit exceeded', { 'Retry-After': String(refusal.retryAfterSeconds) });
  const refusal = await services.authFailures.checkAddress(attempt);
  if (refusal) throw refused(refusal);
  const account = basic && (await services.projects.authenticateCustomer(basic.customerId, basic.customerSecret));
  if (!account) {
    const spent = await services.authFailures.recordFailure(attempt);
    throw spent ? refused(spent) : new AgoraError(401, basic ? 'Invalid authentication credentials' : 'Unauthorized');
  }
  return account;
}

/** Counts one request of `api` for the account; 429 beyond its per-second limit. */
export async function enforceAgoraRateLimit(services: Services, account: Account, api: string, limit: number, reply: FastifyReply, now = Date.now()): Promise<void> {
  const { count, resetAt } = await services.live.rateCounter.hit(`agora:${api}:${account.id}`, RATE_WINDOW_MS, now);
  reply.header('X-RateLimit-Limit', limit);
  reply.header('X-RateLimit-Remaining', Math.max(0, limit - count));
  if (count > limit) throw new AgoraError(429, 'API rate limit exceeded', { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - now) / 1000))) });
}

/** The project an App ID names, if it is the caller's; Agora answers 401 for any other. */
export async function ownProject(services: Services, account: Account, appid: string): Promise<Project> {
  const project = /^[0-9a-f]{32}$/.test(appid) ? await services.projects.findProject(appid) : undefined;
  if (!project || project.accountId !== account.id) throw new AgoraError(401, 'invalid appid');
  return project;
}
