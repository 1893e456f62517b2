/**
 * Every Agora-compatible route Parley serves, described once like the v1 table
 * (`rest/operations.ts`): Channel Management under `/dev/v1/…` and Cloud Recording under
 * `/v1/apps/{appid}/cloud_recording/…`. The server registers them from these tables, with these
 * schemas; each route names the API whose per-second budget its requests spend (Agora's gateway
 * counts per customer account and API).
 */
import type { TSchema } from 'typebox';
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
} from './channelManagement.ts';
import {
  CloudRecordingAcquireBody,
  CloudRecordingAcquireResponse,
  CloudRecordingAppParams,
  CloudRecordingQueryResponse,
  CloudRecordingResourcePathParams,
  CloudRecordingSessionPathParams,
  CloudRecordingSessionResponse,
  CloudRecordingStartBody,
  CloudRecordingStopBody,
  CloudRecordingStopResponse,
  CloudRecordingUpdateBody,
  CloudRecordingUpdateLayoutBody,
} from './cloudRecording.ts';

/** Agora's limits per customer account and API: 20 requests a second for online-channel queries, 10 for the others. */
export const AGORA_RATE_LIMITS = { onlineChannelQuery: 20, other: 10 } as const;

export interface AgoraRoute {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Fastify-style path: `:name` parameters. */
  path: string;
  summary: string;
  /** The API whose per-second budget a request spends. */
  api: string;
  /** Requests a second per account for this API. */
  rateLimit: number;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** The success answer (checked on the way out where given). */
  response?: TSchema;
}

const { onlineChannelQuery, other } = AGORA_RATE_LIMITS;

export const agoraChannelManagementRoutes = {
  agoraListChannels: {
    operationId: 'agoraListChannels',
    method: 'GET',
    path: '/dev/v1/channel/:appid',
    summary: 'List the project\'s channels with people in them',
    api: 'channel-list',
    rateLimit: onlineChannelQuery,
    params: AgoraAppParams,
    query: AgoraChannelListQuery,
  },
  agoraListUsers: {
    operationId: 'agoraListUsers',
    method: 'GET',
    path: '/dev/v1/channel/user/:appid/:channelName',
    summary: 'List the users in a channel',
    api: 'user-list',
    rateLimit: onlineChannelQuery,
    params: AgoraChannelParams,
    query: AgoraUserListQuery,
  },
  agoraListHosts: {
    operationId: 'agoraListHosts',
    method: 'GET',
    path: '/dev/v1/channel/user/:appid/:channelName/hosts_only',
    summary: 'List the hosts in a live channel',
    api: 'host-list',
    rateLimit: onlineChannelQuery,
    params: AgoraChannelParams,
  },
  agoraUserStatus: {
    operationId: 'agoraUserStatus',
    method: 'GET',
    path: '/dev/v1/channel/user/property/:appid/:uid/:channelName',
    summary: 'Whether a user is in a channel, and in which role',
    api: 'user-status',
    rateLimit: onlineChannelQuery,
    params: AgoraUserParams,
  },
  agoraCreateKickingRule: {
    operationId: 'agoraCreateKickingRule',
    method: 'POST',
    path: '/dev/v1/kicking-rule',
    summary: 'Create a kicking rule',
    api: 'kicking-rule-create',
    rateLimit: other,
    body: AgoraKickingRuleCreateBody,
  },
  agoraListKickingRules: {
    operationId: 'agoraListKickingRules',
    method: 'GET',
    path: '/dev/v1/kicking-rule',
    summary: 'List kicking rules',
    api: 'kicking-rule-list',
    rateLimit: other,
    query: AgoraKickingRuleListQuery,
  },
  agoraUpdateKickingRule: {
    operationId: 'agoraUpdateKickingRule',
    method: 'PUT',
    path: '/dev/v1/kicking-rule',
    summary: 'Change how long a kicking rule lasts',
    api: 'kicking-rule-update',
    rateLimit: other,
    body: AgoraKickingRuleUpdateBody,
  },
  agoraDeleteKickingRule: {
    operationId: 'agoraDeleteKickingRule',
    method: 'DELETE',
    path: '/dev/v1/kicking-rule',
    summary: 'Delete a kicking rule',
    api: 'kicking-rule-delete',
    rateLimit: other,
    body: AgoraKickingRuleDeleteBody,
  },
} as const satisfies Record<string, AgoraRoute>;

const CLOUD_RECORDING = '/v1/apps/:appid/cloud_recording';
const SESSION = `${CLOUD_RECORDING}/resourceid/:resourceid/sid/:sid/mode/:mode`;

export const agoraCloudRecordingRoutes = {
  agoraAcquire: {
    operationId: 'agoraAcquire',
    method: 'POST',
    path: `${CLOUD_RECORDING}/acquire`,
    summary: 'Acquire a recording resource',
    api: 'cloud_recording:acquire',
    rateLimit: other,
    params: CloudRecordingAppParams,
    body: CloudRecordingAcquireBody,
    response: CloudRecordingAcquireResponse,
  },
  agoraStart: {
    operationId: 'agoraStart',
    method: 'POST',
    path: `${CLOUD_RECORDING}/resourceid/:resourceid/mode/:mode/start`,
    summary: 'Start recording',
    api: 'cloud_recording:start',
    rateLimit: other,
    params: CloudRecordingResourcePathParams,
    body: CloudRecordingStartBody,
    response: CloudRecordingSessionResponse,
  },
  agoraQuery: {
    operationId: 'agoraQuery',
    method: 'GET',
    path: `${SESSION}/query`,
    summary: 'Query a recording',
    api: 'cloud_recording:query',
    rateLimit: other,
    params: CloudRecordingSessionPathParams,
    response: CloudRecordingQueryResponse,
  },
  agoraUpdate: {
    operationId: 'agoraUpdate',
    method: 'POST',
    path: `${SESSION}/update`,
    summary: 'Change whose streams are recorded, or the storage',
    api: 'cloud_recording:update',
    rateLimit: other,
    params: CloudRecordingSessionPathParams,
    body: CloudRecordingUpdateBody,
    response: CloudRecordingSessionResponse,
  },
  agoraUpdateLayout: {
    operationId: 'agoraUpdateLayout',
    method: 'POST',
    path: `${SESSION}/updateLayout`,
    summary: 'Change the layout of a mix recording',
    api: 'cloud_recording:updateLayout',
    rateLimit: other,
    params: CloudRecordingSessionPathParams,
    body: CloudRecordingUpdateLayoutBody,
    response: CloudRecordingSessionResponse,
  },
  agoraStop: {
    operationId: 'agoraStop',
    method: 'POST',
    path: `${SESSION}/stop`,
    summary: 'Stop recording',
    api: 'cloud_recording:stop',
    rateLimit: other,
    params: CloudRecordingSessionPathParams,
    body: CloudRecordingStopBody,
    response: CloudRecordingStopResponse,
  },
} as const satisfies Record<string, AgoraRoute>;
