/**
 * The one request guard of every HTTP edge: authenticate → rate limit → project ownership, in
 * that order, configured per edge by an `EdgePolicy` and applied to a Fastify scope. What it
 * establishes travels to handlers on `request.access`; what it refuses, the edge's renderer words.
 *
 * Failed authentications spend the caller's budgets (authFailures.ts) here, for every kind of
 * credential: an address past its budget is refused before its credentials are checked.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RateCounter } from '../../live/index.ts';
import type { Authenticator } from './authenticators.ts';
import type { AuthAttempt, AuthFailureBudget } from './authFailures.ts';
import type { Access, Caller } from './caller.ts';
import { MISSING_CREDENTIALS, readAuthorization, type PresentedCredentials } from './credentials.ts';
import { spend, type RatePolicy } from './buckets.ts';
import type { OwnershipRule } from './ownership.ts';
import { Refusal, type RefusalRenderer } from './refusal.ts';

export interface EdgePolicy {
  /** The credentials this edge accepts, asked in order; none: the edge is open to anyone. */
  authenticators: Authenticator[];
  /** Which budget a request spends (none: not rate limited). */
  rate?: RatePolicy;
  /** Which project a request is for (none: the edge's routes name no project). */
  ownership?: OwnershipRule;
  /** How this edge words each refusal. */
  refusals: RefusalRenderer;
}

export interface GuardDeps {
  counter: RateCounter;
  failures: AuthFailureBudget;
}

/** Who the request comes from, or the refusal that answers it. */
async function identify(policy: EdgePolicy, deps: GuardDeps, request: FastifyRequest): Promise<Caller> {
  if (policy.authenticators.length === 0) return { kind: 'anonymous' };
  const header = request.headers.authorization;
  const read = header === undefined ? undefined : readAuthorization(header);
  const presented: PresentedCredentials | undefined = read && 'scheme' in read ? read : undefined;
  // A request with no credentials is no guess: it neither meets nor spends the failure budgets.
  const guessing = header !== undefined || policy.authenticators.some((authenticator) => authenticator.presentsOutsideHeader?.(request));
  const attempt: AuthAttempt = { ip: request.ip, customerId: presented?.scheme === 'basic' ? presented.customerId : undefined };
  if (guessing) {
    const refusal = await deps.failures.checkAddress(attempt);
    if (refusal) throw new Refusal('too_many_failures', refusal.reason, refusal.retryAfterSeconds);
  }
  let outcome: Caller | Refusal | undefined;
  for (const authenticator of policy.authenticators) {
    outcome = await authenticator.authenticate(request, presented);
    if (outcome) break;
  }
  // Readable credentials of a kind this edge does not take (a Customer Secret sent to the console)
  // are a wrong door, not a guess: refused without spending the budget.
  const wrongDoor = outcome === undefined && presented !== undefined;
  outcome ??= unreadable(read);
  if (outcome instanceof Refusal) {
    const spent = guessing && !wrongDoor ? await deps.failures.recordFailure(attempt) : undefined;
    throw spent ? new Refusal('too_many_failures', spent.reason, spent.retryAfterSeconds) : outcome;
  }
  return outcome;
}

function unreadable(read: ReturnType<typeof readAuthorization> | undefined): Refusal {
  if (read === undefined) return new Refusal('missing_credentials', MISSING_CREDENTIALS);
  if ('problem' in read) return new Refusal('malformed_credentials', read.problem);
  return new Refusal('malformed_credentials', `This API does not accept ${read.scheme === 'basic' ? 'Basic credentials' : 'access tokens'}`);
}

async function checkOwnership(policy: EdgePolicy, request: FastifyRequest): Promise<void> {
  const access = request.access!;
  const project = await policy.ownership!.project(access.caller, request);
  if (project) access.project = project;
}

/** Runs `policy` on every route of `scope`, and words its refusals as the edge does. */
export function installGuard(scope: FastifyInstance, policy: EdgePolicy, deps: GuardDeps): void {
  const render = (error: unknown) => (error instanceof Refusal ? policy.refusals[error.kind](error) : error);
  scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      const caller = await identify(policy, deps, request);
      const bucket = policy.rate?.(caller, request);
      if (bucket) await spend(deps.counter, bucket, reply);
      const access: Access = { caller };
      request.access = access;
      if (policy.ownership?.at === 'request') await checkOwnership(policy, request);
    } catch (error) {
      throw render(error);
    }
  });
  if (policy.ownership?.at === 'handler') {
    scope.addHook('preHandler', async (request: FastifyRequest) => {
      try {
        await checkOwnership(policy, request);
      } catch (error) {
        throw render(error);
      }
    });
  }
}
