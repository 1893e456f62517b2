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
  /** What the route does on Parley; the reference adds that it mirrors Agora's route of the same method and path. */
  description: string;
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
    description:
      'Lists the channels of the App ID that have at least one user in them, with their user counts, sorted by name and paged with `page_no` (from 0) and `page_size` (1 to 500, 100 by default).',
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
    description:
      'Lists the users in a channel: every uid in a communication channel (mode 1), the hosts and the first 10,000 audience members in a live channel (mode 2). `channel_exist` is false when nobody is in it. Users who joined with a string account are counted but not listed.',
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
    description:
      'Lists the hosts of a live channel only (`broadcasters`); in a communication channel it lists every user, as Agora does.',
    api: 'host-list',
    rateLimit: onlineChannelQuery,
    params: AgoraChannelParams,
  },
  agoraUserStatus: {
    operationId: 'agoraUserStatus',
    method: 'GET',
    path: '/dev/v1/channel/user/property/:appid/:uid/:channelName',
    summary: 'Whether a user is in a channel, and in which role',
    description:
      'Whether the user with this integer uid is in the channel and, if so, when they joined (unix seconds), their role (1 communication user, 2 host, 3 audience) and their platform.',
    api: 'user-status',
    rateLimit: onlineChannelQuery,
    params: AgoraUserParams,
  },
  agoraCreateKickingRule: {
    operationId: 'agoraCreateKickingRule',
    method: 'POST',
    path: '/dev/v1/kicking-rule',
    summary: 'Create a kicking rule',
    description:
      'Removes the users a rule matches (by channel, uid and IP address, at least one of them) and keeps them out for `time` minutes or `time_in_seconds` seconds; 0 removes them without banning. `privileges` says what they lose: joining, publishing audio or publishing video.',
    api: 'kicking-rule-create',
    rateLimit: other,
    body: AgoraKickingRuleCreateBody,
  },
  agoraListKickingRules: {
    operationId: 'agoraListKickingRules',
    method: 'GET',
    path: '/dev/v1/kicking-rule',
    summary: 'List kicking rules',
    description:
      "Lists the App ID's kicking rules that are still in force.",
    api: 'kicking-rule-list',
    rateLimit: other,
    query: AgoraKickingRuleListQuery,
  },
  agoraUpdateKickingRule: {
    operationId: 'agoraUpdateKickingRule',
    method: 'PUT',
    path: '/dev/v1/kicking-rule',
    summary: 'Change how long a kicking rule lasts',
    description:
      'Changes how long a kicking rule lasts: `time` minutes or `time_in_seconds` seconds.',
    api: 'kicking-rule-update',
    rateLimit: other,
    body: AgoraKickingRuleUpdateBody,
  },
  agoraDeleteKickingRule: {
    operationId: 'agoraDeleteKickingRule',
    method: 'DELETE',
    path: '/dev/v1/kicking-rule',
    summary: 'Delete a kicking rule',
    description:
      'Deletes a kicking rule; the users it banned may join again.',
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
    description:
      "Reserves a recording resource for a channel and a recorder uid; start recording with its `resourceId` within the resource's lifetime (`resourceExpiredHour`, 72 hours by default). Only scene 0 (real-time recording) is supported.",
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
    description:
      "Starts recording the channel with the acquired resource, in `individual` (one file set per user) or `mix` mode (one composed file set), to the storage `storageConfig` names. Answers the recording's `sid`.",
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
    description:
      "The recording's status and the files it has written so far.",
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
    description:
      'Changes whose audio and video streams the recording takes, or where it uploads.',
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
    description:
      "Changes the video layout of a `mix` recording: a preset, the background colour, the large-window uid or each user's region.",
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
    description:
      'Stops the recording and answers its file list and upload status; with `async_stop` it answers without waiting for the upload. Answers 206 with code 435 when nobody published anything.',
    api: 'cloud_recording:stop',
    rateLimit: other,
    params: CloudRecordingSessionPathParams,
    body: CloudRecordingStopBody,
    response: CloudRecordingStopResponse,
  },
} as const satisfies Record<string, AgoraRoute>;
