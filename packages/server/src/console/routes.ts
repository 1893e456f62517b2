/**
 * The console's REST edge: its operation table (`@parley/protocol`'s `consoleOperations`)
 * registered behind the request guard. Signing in is open to anyone (rate limited per address,
 * throttled per email); every other operation needs a console session whose role allows it, and
 * a project in the path must be one of the account's. The console page calls only these and the
 * v1 operations, so anything a person clicks can be scripted with a bearer session.
 */
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
import { consoleHandlers, type ConsoleHandler } from './handlers.ts';

/** Console operations are called with the session's cookie or as `Bearer pcs_…`. */
const SESSION_SECURITY = [{ consoleSession: [] }];
const SIGN_INS_PER_MINUTE = 60;

function register(scope: FastifyInstance, operation: ConsoleOperation, handler: ConsoleHandler<ConsoleOperationId>): void {
  scope.route({
    method: operation.method,
    url: operation.path,
    schema: routeSchema(operation, operation.auth === 'public' ? [] : SESSION_SECURITY),
    config: { guard: { role: operation.role } },
    ...(operation.body ? { preValidation: async (request: FastifyRequest) => void (request.body ??= {}) } : {}),
    handler: async (request, reply) => {
      const access = request.access!;
      const caller = access.caller;
      if (operation.auth === 'console' && caller.kind !== 'user') throw new DomainError('unauthorized', 'Sign in to the console first');
      const data = await handler({ params: request.params as never, body: request.body as never, caller: caller as never, access, request, reply });
      return { code: 200, message: 'success', data };
    },
  });
}

export async function registerConsole(app: FastifyInstance, services: Services, deps: GuardDeps): Promise<void> {
  const handlers = consoleHandlers(services);
  const entries = (Object.entries(consoleOperations) as Array<[ConsoleOperationId, ConsoleOperation]>).filter(([id]) => handlers[id] !== undefined);
  await app.register(async (open) => {
    installGuard(open, { authenticators: [], rate: perAddressRatePolicy('console-signin', SIGN_INS_PER_MINUTE, 'Signing in'), refusals: V1_REFUSALS }, deps);
    for (const [id, operation] of entries.filter(([, op]) => op.auth === 'public')) register(open, operation, handlers[id] as ConsoleHandler<ConsoleOperationId>);
  });
  await app.register(async (signedIn) => {
    installGuard(signedIn, {
      authenticators: [consoleSessionAuthenticator(services.console, services.projects)],
      rate: v1RatePolicy,
      ownership: consoleOwnership(services.projects),
      refusals: V1_REFUSALS,
    }, deps);
    for (const [id, operation] of entries.filter(([, op]) => op.auth === 'console')) register(signedIn, operation, handlers[id] as ConsoleHandler<ConsoleOperationId>);
  });
}
