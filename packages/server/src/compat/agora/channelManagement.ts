/**
 * Agora's Channel Management routes (`/dev/v1/channel…`, `/dev/v1/kicking-rule`) over Parley's own
 * services, with Agora's envelopes: `{success, data}` for queries, `{status: "success", …}` for
 * kicking rules, `{message}` for errors. Not part of the v1 operation table: only the edge differs.
 */
import net from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AgoraAppParams,
  AgoraChannelListQuery,
  AgoraChannelParams,
  AgoraKickingRuleCreateBody,
  AgoraKickingRuleDeleteBody,
  AgoraKickingRuleListQuery,
  AgoraKickingRuleUpdateBody,
  AgoraUserListQuery,
  AgoraUserParams,
  CHANNEL_NAME_PATTERN,
  type AgoraKickingRule,
} from '@parley/protocol';
import type { TSchema } from 'typebox';
import { kickingRuleSeconds, type BanRule, type BanScope } from '../../bans/service.ts';
import type { Account } from '../../projects/service.ts';
import type { Services } from '../../services.ts';
import { channelList, userList, userStatus } from './channelQueries.ts';
import { AGORA_RATE_LIMITS, AgoraError, authenticateCustomer, enforceAgoraRateLimit, installAgoraErrorHandler, ownProject } from './gateway.ts';

const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);

interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  /** Rates are counted per API. */
  api: string;
  limit: number;
  schema: { params?: TSchema; querystring?: TSchema; body?: TSchema };
  handler: (request: FastifyRequest, account: Account) => Promise<unknown>;
}

const accounts = new WeakMap<FastifyRequest, Account>();

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

function routes(services: Services): RouteSpec[] {
  const { onlineChannelQuery, other } = AGORA_RATE_LIMITS;
  const ownApp = async (request: FastifyRequest, account: Account) => (await ownProject(services, account, (request.params as { appid: string }).appid)).appId;
  return [
    {
      method: 'GET',
      url: '/dev/v1/channel/:appid',
      api: 'channel-list',
      limit: onlineChannelQuery,
      schema: { params: AgoraAppParams, querystring: AgoraChannelListQuery },
      handler: async (request, account) => {
        const query = request.query as { page_no: number; page_size: number };
        return channelList(services, await ownApp(request, account), query.page_no, query.page_size);
      },
    },
    {
      method: 'GET',
      url: '/dev/v1/channel/user/:appid/:channelName',
      api: 'user-list',
      limit: onlineChannelQuery,
      schema: { params: AgoraChannelParams, querystring: AgoraUserListQuery },
      handler: async (request, account) => {
        const appId = await ownApp(request, account);
        const channel = checkChannelName((request.params as { channelName: string }).channelName, 'channel name');
        return userList(services, appId, channel, (request.query as { hosts_only?: string }).hosts_only !== undefined);
      },
    },
    {
      method: 'GET',
      url: '/dev/v1/channel/user/:appid/:channelName/hosts_only',
      api: 'host-list',
      limit: onlineChannelQuery,
      schema: { params: AgoraChannelParams },
      handler: async (request, account) => {
        const appId = await ownApp(request, account);
        return userList(services, appId, checkChannelName((request.params as { channelName: string }).channelName, 'channel name'), true);
      },
    },
    {
      method: 'GET',
      url: '/dev/v1/channel/user/property/:appid/:uid/:channelName',
      api: 'user-status',
      limit: onlineChannelQuery,
      schema: { params: AgoraUserParams },
      handler: async (request, account) => {
        const appId = await ownApp(request, account);
        const params = request.params as { uid: number; channelName: string };
        return userStatus(services, appId, checkChannelName(params.channelName, 'channel name'), params.uid);
      },
    },
    {
      method: 'POST',
      url: '/dev/v1/kicking-rule',
      api: 'kicking-rule-create',
      limit: other,
      schema: { body: AgoraKickingRuleCreateBody },
      handler: async (request, account) => {
        const body = request.body as AgoraKickingRuleCreateBody;
        const { appId } = await ownProject(services, account, body.appid);
        const rule = await services.kickingRules.create(appId, ruleScope(body), body.privileges, kickingRuleSeconds(body));
        return { status: 'success', id: rule.id };
      },
    },
    {
      method: 'GET',
      url: '/dev/v1/kicking-rule',
      api: 'kicking-rule-list',
      limit: other,
      schema: { querystring: AgoraKickingRuleListQuery },
      handler: async (request, account) => {
        const { appId } = await ownProject(services, account, (request.query as { appid: string }).appid);
        // Rules on a user account (REST kicks of string uids) have no form in Agora's numeric `uid`.
        const rules = (await services.kickingRules.list(appId)).filter((rule) => rule.uid === null || /^\d+$/.test(rule.uid));
        return { status: 'success', rules: rules.map(toAgoraRule) };
      },
    },
    {
      method: 'PUT',
      url: '/dev/v1/kicking-rule',
      api: 'kicking-rule-update',
      limit: other,
      schema: { body: AgoraKickingRuleUpdateBody },
      handler: async (request, account) => {
        const body = request.body as AgoraKickingRuleUpdateBody;
        const { appId } = await ownProject(services, account, body.appid);
        const rule = await services.kickingRules.update(appId, body.id, kickingRuleSeconds(body));
        if (!rule) throw new AgoraError(404, 'rule not found');
        return { status: 'success', result: { id: rule.id, ts: new Date(rule.expiresAt).toISOString() } };
      },
    },
    {
      method: 'DELETE',
      url: '/dev/v1/kicking-rule',
      api: 'kicking-rule-delete',
      limit: other,
      schema: { body: AgoraKickingRuleDeleteBody },
      handler: async (request, account) => {
        const body = request.body as AgoraKickingRuleDeleteBody;
        const { appId } = await ownProject(services, account, body.appid);
        if (!(await services.kickingRules.delete(appId, body.id))) throw new AgoraError(404, 'rule not found');
        return { status: 'success', id: body.id };
      },
    },
  ];
}

export async function registerAgoraChannelManagement(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    installAgoraErrorHandler(scope);
    for (const spec of routes(services)) {
      scope.route({
        method: spec.method,
        url: spec.url,
        schema: { ...spec.schema, hide: true },
        // Credentials and rates before anything is parsed, as on the v1 API: a bad body without credentials is a 401.
        onRequest: async (request: FastifyRequest, reply: FastifyReply) => {
          const account = await authenticateCustomer(services, request);
          await enforceAgoraRateLimit(services, account, spec.api, spec.limit, reply);
          accounts.set(request, account);
        },
        handler: (request) => spec.handler(request, accounts.get(request)!),
      });
    }
  });
}
