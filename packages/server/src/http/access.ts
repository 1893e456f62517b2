/**
 * Who is calling and what they may touch, decided before validation and the route:
 * authenticate (401) → rate limit (429) → project and channel access (404/403).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OperationAuth } from '@parley/protocol';
import { isAgoraId, type TokenClaims } from '@parley/token';
import type { Account, Project } from '../projects/service.ts';
import type { Services } from '../services.ts';
import { claimsCoverChannel } from '../tokens/service.ts';
import { ApiError, forbidden, notFound } from './apiError.ts';
import type { AuthRefusal } from './authFailures.ts';
import { readAuthorization } from './credentials.ts';
import { enforceRateLimit, enforceTokenRateLimit } from './rateLimit.ts';

export type Caller = { kind: 'customer'; account: Account } | { kind: 'token'; account: Account; claims: TokenClaims };

export interface Access {
  caller: Caller;
  project: Project;
}

declare module 'fastify' {
  interface FastifyRequest {
    access?: Access;
  }
}

/**
 * Who the credentials name. An address past its budget of failures is refused first; failures are
 * counted, and past a budget answer 429 instead of 401 (authFailures.ts). A missing header is not
 * counted: it is no guess.
 */
async function identify(services: Services, request: FastifyRequest): Promise<Caller> {
  const presented = readAuthorization(request.headers.authorization);
  const attempt = { ip: request.ip, customerId: 'scheme' in presented && presented.scheme === 'basic' ? presented.customerId : undefined };
  if (request.headers.authorization !== undefined) {
    const refusal = await services.authFailures.checkAddress(attempt);
    if (refusal) throw refused(refusal);
  }
  const failed = async (error: ApiError): Promise<never> => {
    const refusal = request.headers.authorization !== undefined ? await services.authFailures.recordFailure(attempt) : undefined;
    throw refusal ? refused(refusal) : error;
  };
  if ('problem' in presented) return failed(new ApiError('unauthorized', { field: 'Authorization', reason: presented.problem }));
  if (presented.scheme === 'basic') {
    const account = await services.projects.authenticateCustomer(presented.customerId, presented.customerSecret);
    if (!account) return failed(new ApiError('unauthorized', { field: 'Authorization', reason: 'Customer ID or Customer Secret is wrong' }));
    return { kind: 'customer', account };
  }
  const check = await services.tokens.verify(presented.token, presentedFor(request));
  if (!check.ok) return failed(new ApiError('invalid_token', { field: 'Authorization', reason: check.message }));
  const project = await services.projects.findProject(check.claims.appId);
  const account = project && (await services.projects.findAccount(project.accountId));
  if (!account) return failed(new ApiError('invalid_token', { field: 'Authorization', reason: 'The token\'s project no longer exists' }));
  return { kind: 'token', account, claims: check.claims };
}

function refused(refusal: AuthRefusal): ApiError {
  return new ApiError('rate_limited', { field: 'Authorization', reason: refusal.reason }, { 'Retry-After': String(refusal.retryAfterSeconds) });
}

/**
 * The channel and uid a token is used for. Only legacy 006 tokens need them to verify: the path
 * names the channel; the uid comes from `X-Agora-Uid` (Agora's legacy header), else 0 (any uid).
 */
function presentedFor(request: FastifyRequest): { channel?: string; uid: number | string } {
  const channel = (request.params as Record<string, string | undefined>).channel;
  const uidHeader = request.headers['x-agora-uid'];
  const uid = typeof uidHeader === 'string' && uidHeader !== '' ? (/^\d+$/.test(uidHeader) ? Number(uidHeader) : uidHeader) : 0;
  return channel === undefined ? { uid } : { channel, uid };
}

async function authorize(services: Services, caller: Caller, auth: OperationAuth, params: Record<string, string>): Promise<Project> {
  const projectId = params.projectId ?? '';
  if (caller.kind === 'token') {
    // Tokens are for clients: they may read the one channel they name, never write or list.
    if (auth !== 'basic-or-bearer') throw forbidden('Access tokens may only read the channel they name; call this operation with Basic auth');
    if (caller.claims.appId !== projectId) throw forbidden('The token was issued for another project');
    if (params.channel === undefined || !claimsCoverChannel(caller.claims, params.channel)) {
      throw forbidden('The token does not grant access to this channel');
    }
  }
  // Anything but an App ID's 32 hex characters names no project, and must not reach the database
  // (PostgreSQL refuses a NUL byte in text with an error, which would answer 500).
  const project = isAgoraId(projectId) ? await services.projects.findProject(projectId) : undefined;
  // Another account's project answers like a missing one: its existence is not revealed.
  if (!project || project.accountId !== caller.account.id) throw notFound('projectId', 'No project with this App ID in your account');
  return project;
}

export async function checkAccess(services: Services, auth: OperationAuth, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const caller = await identify(services, request);
  if (caller.kind === 'customer') await enforceRateLimit(services.live.rateCounter, caller.account, reply);
  else await enforceTokenRateLimit(services.live.rateCounter, caller.account, caller.claims, reply);
  const project = await authorize(services, caller, auth, request.params as Record<string, string>);
  request.access = { caller, project };
}
