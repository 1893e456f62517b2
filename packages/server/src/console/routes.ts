/**
 * The console's REST edge: its operation table (`@parley/protocol`'s `consoleOperations`)
 * registered behind the request guard. Signing in is open to anyone (rate limited per address,
 * throttled per email); every other operation needs a console session whose role allows it, and
 * a project in the path must be one of the account's. The console page calls only these and the
 * v1 operations, so anything a person clicks can be scripted with a bearer session. An operation
 * marked `stream` answers server-sent events (see http/eventStream.ts) instead of the envelope.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { consoleOperations, type ConsoleOperation, type ConsoleOperationId } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import { perAddressRatePolicy, v1RatePolicy } from '../http/guard/buckets.ts';
import { consoleSessionAuthenticator } from '../http/guard/consoleSessionAuthenticator.ts';
import { installGuard, type GuardDeps } from '../http/guard/guard.ts';
import { consoleOwnership } from '../http/guard/ownership.ts';
import { routeSchema } from '../http/operations.ts';
import { V1_REFUSALS } from '../http/v1Policy.ts';
import type { Services } from '../services.ts';
import { EventStreams } from '../http/eventStream.ts';
import { consoleHandlers, type ConsoleHandler, type ConsoleStreamHandler } from './handlers.ts';
import type { ConsoleService } from './service.ts';

/** Console operations are called with the session's cookie or as `Bearer pcs_…`. */
const SESSION_SECURITY = [{ consoleSession: [] }];
const SIGN_INS_PER_MINUTE = 60;
/** Live streams one user may hold at once: a few tabs, not a leak's worth of listeners. */
const STREAMS_PER_USER = 10;

type AnyHandler = ConsoleHandler<ConsoleOperationId> | ConsoleStreamHandler<ConsoleOperationId>;

function register(scope: FastifyInstance, operation: ConsoleOperation, handler: AnyHandler, streams: EventStreams, console: ConsoleService): void {
  scope.route({
    method: operation.method,
    url: operation.path,
    schema: routeSchema(operation, operation.auth === 'public' ? [] : SESSION_SECURITY),
    config: { guard: { role: operation.role } },
    // A HEAD would open a stream nobody reads.
    ...(operation.stream ? { exposeHeadRoute: false } : {}),
    ...(operation.body ? { preValidation: async (request: FastifyRequest) => void (request.body ??= {}) } : {}),
    handler: async (request, reply) => {
      const access = request.access!;
      const caller = access.caller;
      const user = caller.kind === 'user' ? caller : undefined;
      if (operation.auth === 'console' && !user) throw new DomainError('unauthorized', 'Sign in to the console first');
      const input = { params: request.params as never, body: request.body as never, caller: caller as never, access, request, reply };
      if (operation.stream && user) {
        // A stream outlives the request's checks, so the session is asked again before each keepalive.
        const token = user.session.token;
        const stream = streams.open(reply, user.user.id, { event: operation.stream.event, stillAllowed: async () => (await console.sessions.check(token)) !== undefined });
        await (handler as ConsoleStreamHandler<ConsoleOperationId>)({ ...input, stream });
        return reply;
      }
      const data = await (handler as ConsoleHandler<ConsoleOperationId>)(input);
      return { code: 200, message: 'success', data };
    },
  });
}

export async function registerConsole(app: FastifyInstance, services: Services, deps: GuardDeps): Promise<void> {
  const handlers = consoleHandlers(services);
  const streams = new EventStreams(STREAMS_PER_USER);
  // A server that stops waits for its open requests: live streams would never end by themselves.
  app.addHook('preClose', async () => streams.closeAll());
  const add = (scope: FastifyInstance, id: ConsoleOperationId, operation: ConsoleOperation) => register(scope, operation, handlers[id] as AnyHandler, streams, services.console);
  const entries = (Object.entries(consoleOperations) as Array<[ConsoleOperationId, ConsoleOperation]>).filter(([id]) => handlers[id] !== undefined);
  await app.register(async (consoleScope) => {
    // Only the console's own operations set cookies (signing in and out), so the cookie plugin's
    // reply hook runs on them alone. Cookies are read where they are needed (the session's
    // authenticator), not parsed on every request.
    await consoleScope.register(cookie, { hook: false });
    await consoleScope.register(async (open) => {
      installGuard(open, { authenticators: [], rate: perAddressRatePolicy('console-signin', SIGN_INS_PER_MINUTE, 'Signing in'), refusals: V1_REFUSALS }, deps);
      for (const [id, operation] of entries.filter(([, op]) => op.auth === 'public')) add(open, id, operation);
    });
    await consoleScope.register(async (signedIn) => {
      installGuard(signedIn, {
        authenticators: [consoleSessionAuthenticator(services.console, services.projects)],
        rate: v1RatePolicy,
        ownership: consoleOwnership(services.projects),
        refusals: V1_REFUSALS,
      }, deps);
      for (const [id, operation] of entries.filter(([, op]) => op.auth === 'console')) add(signedIn, id, operation);
    });
  });
}
