import Fastify, { type FastifyInstance } from 'fastify';
import Type from 'typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryRateCounter } from '../../live/memoryRateCounter.ts';
import type { Account, Project } from '../../projects/service.ts';
import type { Authenticator } from './authenticators.ts';
import { AuthFailureBudget } from './authFailures.ts';
import type { Caller } from './caller.ts';
import type { OwnershipRule } from './ownership.ts';
import type { MaybeAsync } from '../../maybeAsync.ts';
import { installGuard, type EdgePolicy } from './guard.ts';
import { Refusal, type RefusalKind, type RefusalRenderer } from './refusal.ts';

const account: Account = { id: 'acct-1', customerId: 'c'.repeat(32), plan: 'starter' };
const project: Project = { appId: 'a'.repeat(32), accountId: account.id, name: 'p', status: 'active', testingMode: false };

/** Answers with the refusal's kind and reason, so tests see what the guard decided. */
class Rendered extends Error {
  readonly kind: RefusalKind;

  constructor(kind: RefusalKind, reason: string) {
    super(reason);
    this.kind = kind;
  }
}
const renderer = new Proxy({} as RefusalRenderer, { get: (_target, kind) => (refusal: Refusal) => new Rendered(kind as RefusalKind, refusal.message) });

/** An authenticator that accepts `Basic` "good" and refuses any other Basic credentials. */
function basic(calls: string[]): Authenticator {
  return {
    async authenticate(_request, presented) {
      calls.push('basic');
      if (presented?.scheme !== 'basic') return undefined;
      return presented.customerSecret === 'good' ? { kind: 'customer', account } : new Refusal('wrong_secret', 'wrong');
    },
  };
}

let app: FastifyInstance | undefined;
afterEach(async () => app?.close());

async function build(policy: Partial<EdgePolicy> & Pick<EdgePolicy, 'authenticators'>, limits = { perIp: 3, perCustomerId: 100 }) {
  app = Fastify();
  app.decorateRequest('access', null);
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof Rendered) return reply.code(400).send({ kind: error.kind, reason: error.message });
    return reply.code(422).send({ validation: (error as Error).message });
  });
  const counter = new MemoryRateCounter();
  await app.register(async (scope) => {
    installGuard(scope, { refusals: renderer, ...policy }, { counter, failures: new AuthFailureBudget(counter, limits) });
    scope.post('/things/:id', { schema: { body: Type.Object({ n: Type.Integer() }) } }, async (request) => ({ caller: (request.access!.caller as Caller).kind, project: request.access!.project?.appId ?? null }));
  });
  return app;
}

const credentials = (secret: string) => `Basic ${Buffer.from(`${account.customerId}:${secret}`).toString('base64')}`;
const post = (headers: Record<string, string> = {}, body: unknown = { n: 1 }) => app!.inject({ method: 'POST', url: '/things/1', headers, payload: body as object });

describe('request guard', () => {
  it('asks authenticators in order and lets the first answer win', async () => {
    const calls: string[] = [];
    const never: Authenticator = { authenticate: async () => (calls.push('never'), undefined) };
    await build({ authenticators: [basic(calls), never] });
    const answer = await post({ authorization: credentials('good') });
    expect(answer.json()).toEqual({ caller: 'customer', project: null });
    expect(calls).toEqual(['basic']);
  });

  it('refuses a request without credentials without spending the failure budget', async () => {
    await build({ authenticators: [basic([])] }, { perIp: 1, perCustomerId: 100 });
    for (let i = 0; i < 3; i++) expect((await post()).json()).toMatchObject({ kind: 'missing_credentials' });
  });

  it('counts failed credentials and then refuses the address before checking even right ones', async () => {
    await build({ authenticators: [basic([])] }, { perIp: 2, perCustomerId: 100 });
    expect((await post({ authorization: credentials('bad') })).json()).toMatchObject({ kind: 'wrong_secret' });
    expect((await post({ authorization: credentials('bad') })).json()).toMatchObject({ kind: 'wrong_secret' });
    expect((await post({ authorization: credentials('bad') })).json()).toMatchObject({ kind: 'too_many_failures' });
    expect((await post({ authorization: credentials('good') })).json()).toMatchObject({ kind: 'too_many_failures' });
  });

  it('calls a scheme no authenticator reads malformed', async () => {
    await build({ authenticators: [basic([])] });
    expect((await post({ authorization: 'Bearer 007abc' })).json()).toMatchObject({ kind: 'malformed_credentials', reason: 'This API does not accept access tokens' });
  });

  it('lets anyone through an open edge and spends the rate policy\'s bucket', async () => {
    await build({ authenticators: [], rate: () => ({ key: 'k', limit: 1, windowMs: 60_000, holder: 'This thing', resetHeader: true }) });
    const first = await post();
    expect(first.json()).toEqual({ caller: 'anonymous', project: null });
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
    const second = await post();
    expect(second.json()).toMatchObject({ kind: 'rate_limited', reason: expect.stringMatching(/^This thing allows 1 requests a minute; try again in \d+ s$/) });
  });

  it('checks ownership before validation at "request" and after it at "handler"', async () => {
    const order: string[] = [];
    const ownership = (at: 'request' | 'handler') => ({ at, project: async () => (order.push(at), project) });
    await build({ authenticators: [basic([])], ownership: ownership('request') });
    expect((await post({ authorization: credentials('good') }, { n: 'x' })).statusCode).toBe(422);
    expect(order).toEqual(['request']);
    await app!.close();
    order.length = 0;
    await build({ authenticators: [basic([])], ownership: ownership('handler') });
    expect((await post({ authorization: credentials('good') }, { n: 'x' })).statusCode).toBe(422);
    expect(order).toEqual([]);
    expect((await post({ authorization: credentials('good') })).json()).toEqual({ caller: 'customer', project: project.appId });
  });

  it('renders an ownership refusal in the edge\'s words', async () => {
    await build({ authenticators: [basic([])], ownership: { at: 'request', project: async () => { throw new Refusal('unknown_project', 'not yours'); } } });
    expect((await post({ authorization: credentials('good') })).json()).toEqual({ kind: 'unknown_project', reason: 'not yours' });
  });

  it.each([['at once', true], ['later', false]])('decides the same whether its steps answer %s', async (_when, atOnce) => {
    // Memory answers at once (maybeAsync.ts), Redis and the database later: a refusal is thrown in
    // the one case and a rejection in the other, and both must end as the edge's refusal.
    const answer = <T>(value: T): MaybeAsync<T> => (atOnce ? value : Promise.resolve(value));
    const refuse = (refusal: Refusal): never | Promise<never> => {
      if (atOnce) throw refusal;
      return Promise.reject(refusal);
    };
    const customer: Authenticator = {
      authenticate: (_request, presented) =>
        presented?.scheme !== 'basic' ? undefined : answer(presented.customerSecret === 'good' ? { kind: 'customer' as const, account } : new Refusal('wrong_secret', 'wrong')),
    };
    const ownership: OwnershipRule = {
      at: 'request',
      project: (_caller, request) => ((request.params as { id: string }).id === '1' ? answer(project) : refuse(new Refusal('unknown_project', 'not yours'))),
    };
    await build({ authenticators: [customer], ownership, rate: () => ({ key: 'k', limit: 2, windowMs: 60_000, holder: 'This thing', resetHeader: true }) });
    const good = await post({ authorization: credentials('good') });
    expect(good.json()).toEqual({ caller: 'customer', project: project.appId });
    expect(good.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect((await post({ authorization: credentials('bad') })).json()).toMatchObject({ kind: 'wrong_secret' });
    const stranger = await app!.inject({ method: 'POST', url: '/things/2', headers: { authorization: credentials('good') }, payload: { n: 1 } });
    expect(stranger.json()).toEqual({ kind: 'unknown_project', reason: 'not yours' });
    expect((await post({ authorization: credentials('good') })).json()).toMatchObject({ kind: 'rate_limited' });
  });
});
