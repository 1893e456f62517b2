/**
 * Which project a request is for, and whether its caller may use it. Each edge names where its
 * App ID sits and when it is checked: the v1 API and Agora Cloud Recording check the path before
 * the body is read (so a stranger's bad body is a 404/400 on the project, not a 400 on the body);
 * Agora's Channel Management routes carry the App ID in the query or body and check it after
 * validation, as Agora does.
 */
import type { FastifyRequest } from 'fastify';
import { consoleRoleFor, roleAllows, type ConsoleRole } from '@parley/protocol';
import { isAgoraId } from '@parley/token';
import { andThen, type MaybeAsync } from '../../maybeAsync.ts';
import type { Project, ProjectService } from '../../projects/service.ts';
import { claimsCoverChannel } from '../../tokens/service.ts';
import type { Caller } from './caller.ts';
import { Refusal } from './refusal.ts';

export interface OwnershipRule {
  /** `request`: before validation (path and query only); `handler`: after it (the body too). */
  at: 'request' | 'handler';
  /** The project the request is for (undefined on routes that name none), or a refusal (thrown). At once when the project is cached. */
  project(caller: Caller, request: FastifyRequest): MaybeAsync<Project | undefined>;
}

/** The caller's project with this App ID; strangers' projects answer like missing ones. */
function callersProject(projects: ProjectService, caller: Caller, appId: string | undefined): MaybeAsync<Project | undefined> {
  // Anything but an App ID's 32 hex characters names no project and must not reach the database
  // (PostgreSQL refuses a NUL byte in text with an error, which would answer 500).
  if (appId === undefined || !isAgoraId(appId)) return undefined;
  return andThen(projects.findProject(appId), (project) => (project && caller.kind !== 'anonymous' && project.accountId === caller.account.id ? project : undefined));
}

export const PROJECT_DISABLED = 'The project is disabled; an owner or admin can enable it in the console';

/** A disabled project answers nothing but the console's own operations, which can enable it again. */
function checkEnabled(project: Project): Project {
  if (project.status === 'disabled') throw new Refusal('project_disabled', PROJECT_DISABLED);
  return project;
}

/** A console user may only do what their role allows. */
function checkRole(caller: Caller, needed: ConsoleRole): void {
  if (caller.kind === 'user' && !roleAllows(caller.user.role, needed)) {
    throw new Refusal('role_too_low', `Your role (${caller.user.role}) cannot do this; it needs ${needed === 'owner' ? 'an owner' : `an ${needed}`}`);
  }
}

/**
 * v1: the `projectId` of the path. Access tokens are for clients: they may read the one channel
 * they name (operations marked `basic-or-bearer`), never write or list.
 */
export function v1Ownership(projects: ProjectService): OwnershipRule {
  return {
    at: 'request',
    project(caller, request) {
      const params = request.params as Record<string, string | undefined>;
      checkRole(caller, consoleRoleFor({ method: request.method as 'GET' }));
      if (caller.kind === 'token') {
        if ((request.routeOptions.config.guard?.auth ?? 'basic') !== 'basic-or-bearer') {
          throw new Refusal('token_not_allowed', 'Access tokens may only read the channel they name; call this operation with Basic auth');
        }
        if (caller.claims.appId !== params.projectId) throw new Refusal('token_other_project', 'The token was issued for another project');
        if (params.channel === undefined || !claimsCoverChannel(caller.claims, params.channel)) {
          throw new Refusal('token_other_channel', 'The token does not grant access to this channel');
        }
      }
      return andThen(callersProject(projects, caller, params.projectId), (project) => {
        if (!project) throw new Refusal('unknown_project', 'No project with this App ID in your account');
        return checkEnabled(project);
      });
    },
  };
}

/** Agora's routes: the `appid` wherever the route carries it. */
export function agoraOwnership(projects: ProjectService, at: OwnershipRule['at']): OwnershipRule {
  return {
    at,
    project(caller, request) {
      const sources = [request.params, request.query, request.body] as Array<{ appid?: unknown } | undefined>;
      const appId = sources.map((source) => source?.appid).find((value): value is string => typeof value === 'string');
      return andThen(callersProject(projects, caller, appId), (project) => {
        if (!project) throw new Refusal('unknown_project', 'invalid appid');
        return checkEnabled(project);
      });
    },
  };
}

/** The console's own operations: the role the route needs, and the path's `projectId` when it names one. */
export function consoleOwnership(projects: ProjectService): OwnershipRule {
  return {
    at: 'request',
    project(caller, request) {
      checkRole(caller, request.routeOptions.config.guard?.role ?? 'owner');
      const appId = (request.params as Record<string, string | undefined>).projectId;
      if (appId === undefined) return undefined;
      return andThen(callersProject(projects, caller, appId), (project) => {
        if (!project) throw new Refusal('unknown_project', 'No project with this App ID in your account');
        return project;
      });
    },
  };
}
