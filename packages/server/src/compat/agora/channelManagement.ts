/**
 * Agora's Channel Management routes (`/dev/v1/channel…`, `/dev/v1/kicking-rule`) over Parley's own
 * services, with Agora's envelopes: `{success, data}` for queries, `{status: "success", …}` for
 * kicking rules, `{message}` for errors. Declared in the protocol's Agora route table; only the edge differs.
 */
import net from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  agoraChannelManagementRoutes,
  CHANNEL_NAME_PATTERN,
  type AgoraKickingRule,
  type AgoraKickingRuleCreateBody,
  type AgoraKickingRuleDeleteBody,
  type AgoraKickingRuleUpdateBody,
} from '@parley/protocol';
import { kickingRuleSeconds, type BanRule, type BanScope } from '../../bans/service.ts';
import { installGuard, type GuardDeps } from '../../http/guard/guard.ts';
import type { Services } from '../../services.ts';
import { channelList, userList, userStatus } from './channelQueries.ts';
import { agoraPolicy, AgoraError, installAgoraErrorHandler, invalidAppId, registerAgoraRoutes, type AgoraHandler } from './gateway.ts';

const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

function checkChannelName(name: string, field: string): string {
  if (!CHANNEL_NAME.test(name)) throw new AgoraError(400, `invalid ${field}`);
  return name;
}

function toAgoraRule(rule: BanRule): AgoraKickingRule {
  return {
    id: rule.id,
    appid: rule.appId,
    uid: rule.uid === null ? 0 : Number(rule.uid),
    opid: rule.id,
    cname: rule.channel ?? '',
    ip: rule.ip ?? '',
    ts: new Date(rule.expiresAt).toISOString(),
    privileges: rule.privileges,
    createAt: new Date(rule.createdAt).toISOString(),
    updateAt: new Date(rule.updatedAt).toISOString(),
  };
}

/** The scope a kicking rule names; empty strings and uid 0 mean "not set", as Agora's samples send them. */
function ruleScope(body: AgoraKickingRuleCreateBody): BanScope {
  const scope: BanScope = {};
  if (body.cname) scope.channel = checkChannelName(body.cname, 'cname');
  if (body.uid) scope.uid = body.uid;
  if (body.ip) {
    if (net.isIP(body.ip) === 0) throw new AgoraError(400, 'invalid ip');
    scope.ip = body.ip;
  }
  // A rule without any of them would ban every user of the app.
  if (Object.keys(scope).length === 0) throw new AgoraError(400, 'set at least one of cname, uid and ip');
  return scope;
}

type Handlers = { [K in keyof typeof agoraChannelManagementRoutes]: AgoraHandler };

function handlers(services: Services): Handlers {
  const channelOf = (request: FastifyRequest) => checkChannelName((request.params as { channelName: string }).channelName, 'channel name');
  return {
    agoraListChannels: async (request, { project }) => {
      const query = request.query as { page_no: number; page_size: number };
      return channelList(services, project.appId, query.page_no, query.page_size);
    },
    agoraListUsers: async (request, { project }) => userList(services, project.appId, channelOf(request), (request.query as { hosts_only?: string }).hosts_only !== undefined),
    agoraListHosts: async (request, { project }) => userList(services, project.appId, channelOf(request), true),
    agoraUserStatus: async (request, { project }) => userStatus(services, project.appId, channelOf(request), (request.params as { uid: number }).uid),
    agoraCreateKickingRule: async (request, { project }) => {
      const body = request.body as AgoraKickingRuleCreateBody;
      const rule = await services.kickingRules.create(project.appId, ruleScope(body), body.privileges, kickingRuleSeconds(body));
      return { status: 'success', id: rule.id };
    },
    agoraListKickingRules: async (_request, { project }) => {
      // Rules on a user account (REST kicks of string uids) have no form in Agora's numeric `uid`.
      const rules = (await services.kickingRules.list(project.appId)).filter((rule) => rule.uid === null || /^\d+$/.test(rule.uid));
      return { status: 'success', rules: rules.map(toAgoraRule) };
    },
    agoraUpdateKickingRule: async (request, { project }) => {
      const body = request.body as AgoraKickingRuleUpdateBody;
      const rule = await services.kickingRules.update(project.appId, body.id, kickingRuleSeconds(body));
      if (!rule) throw new AgoraError(404, 'rule not found');
      return { status: 'success', result: { id: rule.id, ts: new Date(rule.expiresAt).toISOString() } };
    },
    agoraDeleteKickingRule: async (request, { project }) => {
      const body = request.body as AgoraKickingRuleDeleteBody;
      if (!(await services.kickingRules.delete(project.appId, body.id))) throw new AgoraError(404, 'rule not found');
      return { status: 'success', id: body.id };
    },
  };
}

export async function registerAgoraChannelManagement(app: FastifyInstance, services: Services, deps: GuardDeps): Promise<void> {
  await app.register(async (scope) => {
    installAgoraErrorHandler(scope);
    // Credentials and rates before anything is parsed, as on the v1 API (a bad body without
    // credentials is a 401); the App ID, which may sit in the body, after validation.
    installGuard(scope, agoraPolicy(services, 'handler', invalidAppId), deps);
    registerAgoraRoutes(scope, agoraChannelManagementRoutes, handlers(services), 'Agora Channel Management');
  });
}
