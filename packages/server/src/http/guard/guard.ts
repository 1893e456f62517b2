/**
 * The one request guard of every HTTP edge: authenticate → rate limit → project ownership, in
 * that order, configured per edge by an `EdgePolicy` and applied to a Fastify scope. What it
 * establishes travels to handlers on `request.access`; what it refuses, the edge's renderer words.
 *
 * Failed authentications spend the caller's budgets (authFailures.ts) here, for every kind of
 * credential: an address past its budget is refused before its credentials are checked.
 *
 * Every step answers at once when memory can (cached accounts and projects, in-process counters)
 * and the steps are chained with `andThen`, so a request whose steps all did passes the guard
 * without a promise (maybeAsync.ts says what that saves); a step that needs I/O makes the rest wait.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { andThen, isPromise, type MaybeAsync } from '../../maybeAsync.ts';
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

const ANONYMOUS: Caller = { kind: 'anonymous' };

/** Who the request comes from; a refusal is thrown (or rejected). */
function identify(policy: EdgePolicy, deps: GuardDeps, request: FastifyRequest): MaybeAsync<Caller> {
  if (policy.authenticators.length === 0) return ANONYMOUS;
  const header = request.headers.authorization;
  const read = header === undefined ? undefined : readAuthorization(header);
  const presented: PresentedCredentials | undefined = read && 'scheme' in read ? read : undefined;
  // A request with no credentials is no guess: it neither meets nor spends the failure budgets.
  const guessing = header !== undefined || policy.authenticators.some((authenticator) => authenticator.presentsOutsideHeader?.(request));
  const attempt: AuthAttempt = { ip: request.ip, customerId: presented?.scheme === 'basic' ? presented.customerId : undefined };
  return andThen(guessing ? deps.failures.checkAddress(attempt) : undefined, (refusal) => {
    if (refusal) throw new Refusal('too_many_failures', refusal.reason, refusal.retryAfterSeconds);
    return andThen(firstAnswer(policy.authenticators, request, presented), (outcome) => {
      if (outcome !== undefined && !(outcome instanceof Refusal)) return outcome;
      // Readable credentials of a kind this edge does not take (a Customer Secret sent to the
      // console) are a wrong door, not a guess: refused without spending the budget.
      const wrongDoor = outcome === undefined && presented !== undefined;
      const refused = outcome ?? unreadable(read);
      if (!guessing || wrongDoor) throw refused;
      return deps.failures.recordFailure(attempt).then((spent) => {
        throw spent ? new Refusal('too_many_failures', spent.reason, spent.retryAfterSeconds) : refused;
      });
    });
  });
}

/** The first authenticator's answer that is not "nothing of my kind here", asking them in order. */
function firstAnswer(authenticators: Authenticator[], request: FastifyRequest, presented: PresentedCredentials | undefined, from = 0): MaybeAsync<Caller | Refusal | undefined> {
  for (let i = from; i < authenticators.length; i++) {
    const outcome = authenticators[i]!.authenticate(request, presented);
    if (isPromise(outcome)) return outcome.then((answer) => answer ?? firstAnswer(authenticators, request, presented, i + 1));
    if (outcome) return outcome;
  }
  return undefined;
}

function unreadable(read: ReturnType<typeof readAuthorization> | undefined): Refusal {
  if (read === undefined) return new Refusal('missing_credentials', MISSING_CREDENTIALS);
  if ('problem' in read) return new Refusal('malformed_credentials', read.problem);
  return new Refusal('malformed_credentials', `This API does not accept ${read.scheme === 'basic' ? 'Basic credentials' : 'access tokens'}`);
}

function checkOwnership(ownership: OwnershipRule, request: FastifyRequest): MaybeAsync<void> {
  const access = request.access!;
  return andThen(ownership.project(access.caller, request), (project) => {
    if (project) access.project = project;
  });
}

/** Authenticate, rate limit and (where the edge checks it this early) ownership, in that order. */
function guardRequest(policy: EdgePolicy, deps: GuardDeps, request: FastifyRequest, reply: FastifyReply): MaybeAsync<void> {
  return andThen(identify(policy, deps, request), (caller) => {
    const bucket = policy.rate?.(caller, request);
    return andThen(bucket ? spend(deps.counter, bucket, reply) : undefined, () => {
      const access: Access = { caller };
      request.access = access;
      if (policy.ownership?.at === 'request') return checkOwnership(policy.ownership, request);
    });
  });
}

/**
 * A callback hook that calls `done` at once when `step` finished at once: Fastify runs an async
 * hook's promise through a microtask turn even when it settled in the same breath.
 */
function hookOf(step: (request: FastifyRequest, reply: FastifyReply) => MaybeAsync<void>, render: (error: unknown) => unknown) {
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: FastifyError) => void): void => {
    let outcome: MaybeAsync<void>;
    try {
      outcome = step(request, reply);
    } catch (error) {
      done(render(error) as FastifyError);
      return;
    }
    if (isPromise(outcome)) outcome.then(() => done(), (error: unknown) => done(render(error) as FastifyError));
    else done();
  };
}

/** Runs `policy` on every route of `scope`, and words its refusals as the edge does. */
export function installGuard(scope: FastifyInstance, policy: EdgePolicy, deps: GuardDeps): void {
  const render = (error: unknown) => (error instanceof Refusal ? policy.refusals[error.kind](error) : error);
  scope.addHook('onRequest', hookOf((request, reply) => guardRequest(policy, deps, request, reply), render));
  const ownership = policy.ownership;
  if (ownership?.at === 'handler') scope.addHook('preHandler', hookOf((request) => checkOwnership(ownership, request), render));
}
