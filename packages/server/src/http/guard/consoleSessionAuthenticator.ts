/**
 * The console's credential: a signed-in session, held as an HttpOnly cookie (browsers) or sent as
 * `Authorization: Bearer pcs_…` (scripts). Cookies ride along on every request a browser makes,
 * so a cookie session changes nothing unless the request also carries the session's CSRF token
 * (which another site cannot read) and, when the browser names one, comes from this origin.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { parseCookie } from 'cookie';
import type { ConsoleService } from '../../console/service.ts';
import { SESSION_PREFIX } from '../../console/sessions.ts';
import type { ProjectService } from '../../projects/service.ts';
import type { Authenticator } from './authenticators.ts';
import type { Caller } from './caller.ts';
import { Refusal } from './refusal.ts';

export const SESSION_COOKIE = 'parley_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Why a cookie-borne change is refused as cross-site, if it is. */
function crossSite(request: FastifyRequest, csrfToken: string): string | undefined {
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${request.host}`) return `Requests from ${origin} may not use a console session`;
  const presented = request.headers[CSRF_HEADER];
  if (typeof presented !== 'string' || !sameText(presented, csrfToken)) return 'Send the session\'s CSRF token as X-CSRF-Token with every change';
  return undefined;
}

/**
 * The session cookie the request carries, if any. Cookies are parsed here, when the guard asks,
 * rather than by the cookie plugin on every request (console/routes.ts): only console requests
 * carry any, and the v1 API, outside the plugin's scope, takes console sessions too.
 */
function sessionCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  return header === undefined ? undefined : parseCookie(header)[SESSION_COOKIE];
}

export function consoleSessionAuthenticator(console: ConsoleService, projects: ProjectService): Authenticator {
  return {
    presentsOutsideHeader: (request) => sessionCookie(request) !== undefined,
    authenticate(request, presented) {
      const bearer = presented?.scheme === 'token' && presented.token.startsWith(SESSION_PREFIX) ? presented.token : undefined;
      // Explicit credentials win over an ambient cookie.
      const cookie = request.headers.authorization === undefined ? sessionCookie(request) : undefined;
      const token = bearer ?? cookie;
      // No session of its kind (the API's usual request): answered at once, without a promise.
      if (!token) return undefined;
      return sessionCaller(console, projects, request, token, bearer !== undefined);
    },
  };
}

/** The signed-in user a session token stands for, or why it is refused. */
async function sessionCaller(console: ConsoleService, projects: ProjectService, request: FastifyRequest, token: string, bearer: boolean): Promise<Caller | Refusal> {
  const session = await console.sessions.check(token);
  const user = session && (await console.users.find(session.userId));
  const account = user && (await projects.findAccount(user.accountId));
  if (!session || !user || !account) return new Refusal('session_ended', 'The console session has ended (signed out, expired or idle); sign in again');
  if (!bearer && !SAFE_METHODS.has(request.method)) {
    const reason = crossSite(request, session.csrfToken);
    if (reason) return new Refusal('cross_site', reason);
  }
  return { kind: 'user', account, user, session: { token, kind: bearer ? 'bearer' : 'cookie', csrfToken: session.csrfToken, expiresAt: session.expiresAt } };
}
