/**
 * Who a request comes from, as the guard established it, and the one request decoration that
 * carries it to handlers (`request.access`). Adding a kind of credential adds a member here and
 * an authenticator (authenticators.ts); nothing else in the guard changes.
 */
import type { ConsoleRole, OperationAuth } from '@parley/protocol';
import type { TokenClaims } from '@parley/token';
import type { ConsoleUser } from '../../console/users.ts';
import type { SessionKind } from '../../console/sessions.ts';
import type { Account, Project } from '../../projects/service.ts';

export type Caller =
  /** The customer's backend: HTTP Basic with a Customer ID and Secret. */
  | { kind: 'customer'; account: Account }
  /** An end user's client: an access token (Bearer or `agora token=`). */
  | { kind: 'token'; account: Account; claims: TokenClaims }
  /** A person signed in to the console: acts in their account, as far as their role allows. */
  | { kind: 'user'; account: Account; user: ConsoleUser; session: ConsoleSessionHeld }
  /** Nobody in particular: routes open to anyone (rate limited per address). */
  | { kind: 'anonymous' };

/** The console session a request came with, as its holder presented it. */
export interface ConsoleSessionHeld {
  token: string;
  kind: SessionKind;
  csrfToken: string;
  expiresAt: number;
}

export interface Access {
  caller: Caller;
  /** The project the request is for, once ownership is checked; absent on routes that name none. */
  project?: Project;
}

/** Access on a route that names a project: the guard has checked the caller may use it. */
export interface ProjectAccess extends Access {
  project: Project;
}

/** What a route tells the guard about itself (Fastify route `config.guard`). */
export interface RouteGuard {
  /** v1: who may call the operation (default `basic`). */
  auth?: OperationAuth;
  /** Agora: the API whose per-second budget the request spends, and that budget. */
  rate?: { api: string; limit: number };
  /** Console: the least role a signed-in user needs (v1 operations derive it from the method). */
  role?: ConsoleRole;
}

declare module 'fastify' {
  interface FastifyRequest {
    access: Access | null;
  }
  interface FastifyContextConfig {
    guard?: RouteGuard;
  }
}

/** The checked access of a route that names a project; a route without the guard is a bug. */
export function projectAccess(access: Access | null): ProjectAccess {
  if (!access?.project) throw new Error('route reached without a project checked by the request guard');
  return access as ProjectAccess;
}
