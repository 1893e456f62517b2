/**
 * The kinds of credential the guard accepts, one authenticator each. An authenticator reads the
 * credentials meant for it and answers who the caller is, why they are refused, or `undefined`
 * when the request carries nothing of its kind (the guard then asks the next one).
 *
 * A new kind of credential (the console's signed-in users) is one more authenticator and one more
 * `Caller` member; budgets, rates and ownership stay where they are.
 */
import type { FastifyRequest } from 'fastify';
import { andThen, type MaybeAsync } from '../../maybeAsync.ts';
import type { ProjectService } from '../../projects/service.ts';
import type { TokenService } from '../../tokens/service.ts';
import type { Caller } from './caller.ts';
import type { PresentedCredentials } from './credentials.ts';
import { Refusal } from './refusal.ts';

export interface Authenticator {
  /** At once when it can tell from memory (a cached account, no credential of its kind), else later. */
  authenticate(request: FastifyRequest, presented: PresentedCredentials | undefined): MaybeAsync<Caller | Refusal | undefined>;
  /** Whether the request carries this kind of credential outside the Authorization header (a cookie). */
  presentsOutsideHeader?(request: FastifyRequest): boolean;
}

/** HTTP Basic with a Customer ID and Customer Secret: the customer's backend. */
export function customerSecretAuthenticator(projects: ProjectService, wrongSecret = 'Customer ID or Customer Secret is wrong'): Authenticator {
  return {
    authenticate(_request, presented) {
      if (presented?.scheme !== 'basic') return undefined;
      return andThen(projects.authenticateCustomer(presented.customerId, presented.customerSecret), (account): Caller | Refusal =>
        account ? { kind: 'customer', account } : new Refusal('wrong_secret', wrongSecret),
      );
    },
  };
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

/** An access token (`Bearer` or Agora's `agora token=`): an end user's client. */
export function accessTokenAuthenticator(tokens: TokenService, projects: ProjectService): Authenticator {
  return {
    authenticate(request, presented) {
      if (presented?.scheme !== 'token') return undefined;
      return verifiedCaller(tokens, projects, request, presented.token);
    },
  };
}

/** The caller a token stands for: verifying it may read the project's certificates from the database. */
async function verifiedCaller(tokens: TokenService, projects: ProjectService, request: FastifyRequest, token: string): Promise<Caller | Refusal> {
  const check = await tokens.verify(token, presentedFor(request));
  if (!check.ok) return new Refusal('invalid_token', check.message);
  const project = await projects.findProject(check.claims.appId);
  const account = project && (await projects.findAccount(project.accountId));
  if (!account) return new Refusal('invalid_token', 'The token\'s project no longer exists');
  return { kind: 'token', account, claims: check.claims };
}
