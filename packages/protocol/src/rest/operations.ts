/**
 * Every REST operation of Parley's v1 API, described once.
 *
 * The server registers its routes from this table (so validation uses these schemas), the OpenAPI
 * document is generated from it, and the docs portal and SDKs read it. Adding an endpoint starts here.
 */
import type { TSchema } from 'typebox';
import {
  Channel,
  ChannelPage,
  ChannelParams,
  CreateChannelBody,
  DeletedChannel,
  KickBody,
  KickParams,
  KickResult,
  ListChannelsQuery,
  ProjectParams,
} from './channels.ts';
import { Success } from './common.ts';
import { ListSessionsQuery, SessionPage } from './sessions.ts';
import { CreatedToken, CreateTokenBody } from './tokens.ts';
import { Usage, UsageQuery } from './usage.ts';

/**
 * Who may call an operation.
 * - `basic`: Customer ID and Secret of the account that owns the project.
 * - `basic-or-bearer`: also an access token naming the channel in the path (read-only).
 */
export type OperationAuth = 'basic' | 'basic-or-bearer';

export interface Operation {
  operationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Fastify-style path: `:name` parameters. */
  path: string;
  summary: string;
  description: string;
  tag: string;
  auth: OperationAuth;
  params?: TSchema;
  query?: TSchema;
  body?: TSchema;
  /** The schema of `data` in the success envelope. */
  data: TSchema;
  /** Error statuses this operation can answer with, beyond 401/429/500 which every authenticated one can. */
  errors: number[];
}

export const operations = {
  createChannel: {
    operationId: 'createChannel',
    method: 'POST',
    path: '/v1/projects/:projectId/rtc/channels',
    summary: 'Create a channel',
    description:
      'Creates a video calling channel that lasts until it is deleted. Creating a channel that exists returns it unchanged.',
    tag: 'Channels',
    auth: 'basic',
    params: ProjectParams,
    body: CreateChannelBody,
    data: Channel,
    errors: [400, 403, 404, 413, 415],
  },
  getChannel: {
    operationId: 'getChannel',
    method: 'GET',
    path: '/v1/projects/:projectId/channels/:channel',
    summary: 'Get channel information',
    description: 'Returns a channel with its live participants and recording state.',
    tag: 'Channels',
    auth: 'basic-or-bearer',
    params: ChannelParams,
    data: Channel,
    errors: [400, 403, 404],
  },
  listChannels: {
    operationId: 'listChannels',
    method: 'GET',
    path: '/v1/projects/:projectId/channels',
    summary: 'List channels',
    description: 'Lists the project\'s channels by name, a page at a time.',
    tag: 'Channels',
    auth: 'basic',
    params: ProjectParams,
    query: ListChannelsQuery,
    data: ChannelPage,
    errors: [400, 403, 404],
  },
  deleteChannel: {
    operationId: 'deleteChannel',
    method: 'DELETE',
    path: '/v1/projects/:projectId/channels/:channel',
    summary: 'Delete a channel',
    description: 'Deletes a channel and disconnects everyone in it.',
    tag: 'Channels',
    auth: 'basic',
    params: ChannelParams,
    data: DeletedChannel,
    errors: [400, 403, 404],
  },
  kickUser: {
    operationId: 'kickUser',
    method: 'POST',
    path: '/v1/projects/:projectId/channels/:channel/users/:uid/kick',
    summary: 'Kick a user',
    description:
      'Disconnects a user from a channel (they are told why) and, with `banSeconds`, refuses their joins to it for that long. The path uid is the numeric uid or the user account.',
    tag: 'Channels',
    auth: 'basic',
    params: KickParams,
    body: KickBody,
    data: KickResult,
    errors: [400, 403, 404, 413, 415],
  },
  createToken: {
    operationId: 'createToken',
    method: 'POST',
    path: '/v1/projects/:projectId/tokens',
    summary: 'Create an access token',
    description:
      'Mints an AccessToken2 for a user of a channel, signed with the project\'s App Certificate, so the certificate never leaves your backend.',
    tag: 'Tokens',
    auth: 'basic',
    params: ProjectParams,
    body: CreateTokenBody,
    data: CreatedToken,
    errors: [400, 403, 404, 413, 415],
  },
  listSessions: {
    operationId: 'listSessions',
    method: 'GET',
    path: '/v1/projects/:projectId/sessions',
    summary: 'List sessions',
    description:
      'Lists participant sessions (one per join, until the leave), newest first, a page at a time. Filter by channel, uid, or a time range: a session is listed when it was in progress at some time in [`from`, `to`).',
    tag: 'Sessions',
    auth: 'basic',
    params: ProjectParams,
    query: ListSessionsQuery,
    data: SessionPage,
    errors: [400, 403, 404],
  },
  getUsage: {
    operationId: 'getUsage',
    method: 'GET',
    path: '/v1/projects/:projectId/usage',
    summary: 'Get usage',
    description:
      'Participant-minutes and peak concurrent users per UTC hour or day of [`from`, `to`), per channel and in total, computed from the recorded sessions (open sessions count until now).',
    tag: 'Usage',
    auth: 'basic',
    params: ProjectParams,
    query: UsageQuery,
    data: Usage,
    errors: [400, 403, 404],
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof operations;

/** The full response schema of an operation: its data in the success envelope. */
export function successSchema(operation: Operation) {
  return Success(operation.data);
}

