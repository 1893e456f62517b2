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
import { ListProjectRecordingsQuery, ListRecordingsQuery, Recording, RecordingPage, RecordingParams, StartedRecording, StartRecordingBody, StoppedRecording, StopRecordingBody } from './recordings.ts';
import { CreatedToken, CreateTokenBody } from './tokens.ts';
import { Usage, UsageQuery } from './usage.ts';
import {
  CreateWebhookBody,
  DeletedWebhook,
  Delivery,
  DeliveryPage,
  DeliveryParams,
  ListDeliveriesQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookList,
  WebhookParams,
  WebhookWithSecret,
} from './webhooks.ts';

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
  createWebhook: {
    operationId: 'createWebhook',
    method: 'POST',
    path: '/v1/projects/:projectId/webhooks',
    summary: 'Create a webhook',
    description:
      'Registers an endpoint for the project\'s events, delivered as Agora NCS notices signed with a new secret. The secret is in this answer only: store it now.',
    tag: 'Webhooks',
    auth: 'basic',
    params: ProjectParams,
    body: CreateWebhookBody,
    data: WebhookWithSecret,
    errors: [400, 403, 404, 413, 415],
  },
  listWebhooks: {
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/v1/projects/:projectId/webhooks',
    summary: 'List webhooks',
    description: 'Lists the project\'s webhooks, oldest first, without their secrets.',
    tag: 'Webhooks',
    auth: 'basic',
    params: ProjectParams,
    data: WebhookList,
    errors: [400, 403, 404],
  },
  getWebhook: {
    operationId: 'getWebhook',
    method: 'GET',
    path: '/v1/projects/:projectId/webhooks/:webhookId',
    summary: 'Get a webhook',
    description: 'Returns a webhook without its secret: whether it is on, and if the server turned it off for failing, since when.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    data: Webhook,
    errors: [400, 403, 404],
  },
  updateWebhook: {
    operationId: 'updateWebhook',
    method: 'PATCH',
    path: '/v1/projects/:projectId/webhooks/:webhookId',
    summary: 'Update a webhook',
    description: 'Changes the URL, the events or whether it is on. Turning it on again resumes its pending deliveries.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    body: UpdateWebhookBody,
    data: Webhook,
    errors: [400, 403, 404, 413, 415],
  },
  deleteWebhook: {
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/projects/:projectId/webhooks/:webhookId',
    summary: 'Delete a webhook',
    description: 'Deletes a webhook and its deliveries, pending ones included.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    data: DeletedWebhook,
    errors: [400, 403, 404],
  },
  rotateWebhookSecret: {
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/projects/:projectId/webhooks/:webhookId/rotate-secret',
    summary: 'Rotate a webhook\'s secret',
    description: 'Replaces the signing secret at once (pending deliveries are signed with the new one) and returns it, this once.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    data: WebhookWithSecret,
    errors: [400, 403, 404],
  },
  listWebhookDeliveries: {
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/projects/:projectId/webhooks/:webhookId/deliveries',
    summary: 'List deliveries',
    description: 'Lists a webhook\'s deliveries, newest first, a page at a time: event, attempts, last status and latency, next retry.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    query: ListDeliveriesQuery,
    data: DeliveryPage,
    errors: [400, 403, 404],
  },
  redeliverWebhookDelivery: {
    operationId: 'redeliverWebhookDelivery',
    method: 'POST',
    path: '/v1/projects/:projectId/webhooks/:webhookId/deliveries/:deliveryId/redeliver',
    summary: 'Redeliver a notice',
    description:
      'Sends a delivery\'s notice again, byte for byte (same `noticeId`), as a new delivery queued after the channel\'s pending ones.',
    tag: 'Webhooks',
    auth: 'basic',
    params: DeliveryParams,
    data: Delivery,
    errors: [400, 403, 404],
  },
  sendWebhookTestEvent: {
    operationId: 'sendWebhookTestEvent',
    method: 'POST',
    path: '/v1/projects/:projectId/webhooks/:webhookId/test',
    summary: 'Send a test event',
    description:
      'Queues a signed test notice (event `webhook.test`, productId 0, eventType 0, with the same `Agora-Signature` headers as every notice) to this webhook alone, whatever events it subscribes to. It goes through the normal delivery path: it appears in the delivery log with its status, latency and error, and a failure is retried like any notice. Answers the delivery. A webhook that is off answers 409 (nothing is delivered to it): turn it on first.',
    tag: 'Webhooks',
    auth: 'basic',
    params: WebhookParams,
    data: Delivery,
    errors: [400, 403, 404, 409],
  },
  startRecording: {
    operationId: 'startRecording',
    method: 'POST',
    path: '/v1/projects/:projectId/channels/:channel/recordings',
    summary: 'Start recording',
    description:
      'Starts a cloud recording of a channel: a recorder joins with the given uid (role `recorder`) and records each user (`individual`) or a composite of everyone (`mix`) to HLS and optionally MP4, until stopped or until nobody has published for `maxIdleTime` seconds. A channel whose clients encrypt their media end to end (the SDK\'s `setEncryptionConfig`) cannot be recorded, since the server never holds the key: start answers 409 `channel_encrypted` while such clients are in it.',
    tag: 'Recordings',
    auth: 'basic',
    params: ChannelParams,
    body: StartRecordingBody,
    data: StartedRecording,
    errors: [400, 403, 404, 409, 413, 415, 503],
  },
  getRecording: {
    operationId: 'getRecording',
    method: 'GET',
    path: '/v1/projects/:projectId/channels/:channel/recordings/:sid',
    summary: 'Get a recording',
    description: 'Returns a recording\'s status (Agora\'s numbers, 0-8 and 20) and, once it has stopped, its files with their download paths.',
    tag: 'Recordings',
    auth: 'basic',
    params: RecordingParams,
    data: Recording,
    errors: [400, 403, 404],
  },
  stopRecording: {
    operationId: 'stopRecording',
    method: 'POST',
    path: '/v1/projects/:projectId/channels/:channel/recordings/:sid/stop',
    summary: 'Stop recording',
    description:
      'Stops a recording, makes its files and uploads them; waits up to 20 s for that unless `async` is true. A recording that has already stopped answers 409.',
    tag: 'Recordings',
    auth: 'basic',
    params: RecordingParams,
    body: StopRecordingBody,
    data: StoppedRecording,
    errors: [400, 403, 404, 409, 413, 415],
  },
  listRecordings: {
    operationId: 'listRecordings',
    method: 'GET',
    path: '/v1/projects/:projectId/channels/:channel/recordings',
    summary: 'List recordings',
    description: 'Lists a channel\'s recordings, newest first, a page at a time.',
    tag: 'Recordings',
    auth: 'basic',
    params: ChannelParams,
    query: ListRecordingsQuery,
    data: RecordingPage,
    errors: [400, 403, 404],
  },
  listProjectRecordings: {
    operationId: 'listProjectRecordings',
    method: 'GET',
    path: '/v1/projects/:projectId/recordings',
    summary: 'List a project\'s recordings',
    description: 'Lists the recordings of every channel of the project (or of one, with `channel`), newest first, a page at a time.',
    tag: 'Recordings',
    auth: 'basic',
    params: ProjectParams,
    query: ListProjectRecordingsQuery,
    data: RecordingPage,
    errors: [400, 403, 404],
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof operations;

/** The full response schema of an operation: its data in the success envelope. */
export function successSchema(operation: Pick<Operation, 'data'>) {
  return Success(operation.data);
}
