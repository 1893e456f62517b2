/**
 * Webhooks: endpoints a project registers, the deliveries made to them, and the notices they
 * receive, which have the shape of Agora's Notification Center (NCS) bodies.
 */
import Type, { type Static } from 'typebox';
import { IsoTime, PageQuery, ProjectId } from './common.ts';

const eventNames = [
  Type.Literal('channel.created'),
  Type.Literal('channel.destroyed'),
  Type.Literal('participant.joined'),
  Type.Literal('participant.left'),
  Type.Literal('participant.role-changed'),
  Type.Literal('recording'),
] as const;
export type WebhookEventName = Static<(typeof eventNames)[number]>;

/**
 * What an endpoint can subscribe to, by name, and what each name covers; a name covers every NCS
 * event type listed. Other products (cloud recording, productId 3) add their names here and to
 * `eventNames` above.
 */
export const WEBHOOK_EVENTS: Record<WebhookEventName, string> = {
  'channel.created': 'RTC 101: the first user joined a channel.',
  'channel.destroyed': 'RTC 102: the last user left a channel.',
  'participant.joined': 'RTC 103 (host, live mode), 105 (audience, live mode), 107 (communication mode).',
  'participant.left': 'RTC 104, 106, 108: the matching leave, with `reason` and `duration`.',
  'participant.role-changed': 'RTC 111 (audience to host), 112 (host to audience): a live-mode role switch during the call.',
  recording: 'Cloud recording (productId 3) 1, 3, 11, 31, 32, 40, 41: errors, status, exit, uploads, recorder start and leave.',
};

/** NCS product ids (`productId` of a notice). */
export const NcsProduct = { rtc: 1, cloudRecording: 3 } as const;

/** NCS event types of RTC channel events (productId 1). */
export const NcsRtcEvent = {
  channelCreated: 101,
  channelDestroyed: 102,
  broadcasterJoined: 103,
  broadcasterLeft: 104,
  audienceJoined: 105,
  audienceLeft: 106,
  communicationJoined: 107,
  communicationLeft: 108,
  roleToBroadcaster: 111,
  roleToAudience: 112,
} as const;

/**
 * The notice `sendWebhookTestEvent` queues: not an event anyone subscribes to, so it carries no
 * product's numbers (productId and eventType 0) and goes to the one endpoint asked for.
 */
export const WEBHOOK_TEST_EVENT = 'webhook.test';
export const WEBHOOK_TEST_PRODUCT_ID = 0;
export const WEBHOOK_TEST_EVENT_TYPE = 0;

/** The most endpoints one project may register. */
export const MAX_WEBHOOKS_PER_PROJECT = 10;

const eventList: string = Object.entries(WEBHOOK_EVENTS)
  .map(([name, meaning]) => `\`${name}\` (${meaning.replace(/\.$/, '')})`)
  .join('; ');

export const WebhookEventName = Type.Union([...eventNames], { description: `An event name: ${eventList}.` });

export const WebhookEvents = Type.Union(
  [Type.Array(WebhookEventName, { minItems: 1, maxItems: 32, uniqueItems: true }), Type.Null()],
  { description: 'Event names to deliver; null (or omitted at creation) for every event.' },
);

export const WebhookUrl = Type.String({
  minLength: 1,
  maxLength: 2048,
  format: 'uri',
  pattern: '^[hH][tT][tT][pP][sS]?://',
  description:
    'Where notices are POSTed: an http(s) URL of at most 2048 characters. Loopback, private and link-local addresses are refused unless the server allows them.',
  examples: ['https://example.com/parley/webhooks'],
});

export const WebhookId = Type.String({ pattern: '^wh_[0-9a-f]{24}$', description: 'The webhook\'s id.', examples: ['wh_0123456789abcdef01234567'] });

export const WebhookParams = Type.Object({ projectId: ProjectId, webhookId: WebhookId });
export const DeliveryParams = Type.Object({
  projectId: ProjectId,
  webhookId: WebhookId,
  deliveryId: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'The delivery\'s id.' }),
});

export const CreateWebhookBody = Type.Object(
  {
    url: WebhookUrl,
    events: Type.Optional(WebhookEvents),
    enabled: Type.Optional(Type.Boolean({ default: true, description: 'Deliver to it (default true).' })),
  },
  { additionalProperties: false, examples: [{ url: 'https://example.com/parley/webhooks', events: ['participant.joined', 'participant.left'] }] },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(WebhookEvents),
    enabled: Type.Optional(Type.Boolean({ description: 'Turning an endpoint on again also clears its failure streak.' })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ enabled: true }] },
);
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

export const WebhookDisabledReason = Type.Union([Type.Literal('manual'), Type.Literal('failing'), Type.Null()], {
  description: 'Why it is off: `manual` (set by a request) or `failing` (turned off by the server after failing for a long time); null while on.',
});

export const Webhook = Type.Object(
  {
    webhookId: WebhookId,
    url: Type.String(),
    events: Type.Union([Type.Array(Type.String()), Type.Null()]),
    enabled: Type.Boolean(),
    disabledReason: WebhookDisabledReason,
    disabledAt: Type.Union([IsoTime, Type.Null()]),
    failureStreak: Type.Integer({ minimum: 0, description: 'Failed attempts since the last successful one.' }),
    failingSince: Type.Union([IsoTime, Type.Null()], { description: 'First failure of the current streak; null when the last attempt succeeded.' }),
    lastSuccessAt: Type.Union([IsoTime, Type.Null()]),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { title: 'Webhook' },
);
export type Webhook = Static<typeof Webhook>;

export const WebhookWithSecret = Type.Object(
  {
    ...Webhook.properties,
    secret: Type.String({
      description:
        'The signing secret, shown only now: `Agora-Signature` is the hex HMAC-SHA1 and `Agora-Signature-V2` the hex HMAC-SHA256 of the raw body with it.',
    }),
  },
  { title: 'WebhookWithSecret' },
);
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook) });
export type WebhookList = Static<typeof WebhookList>;

export const DeletedWebhook = Type.Object({ webhookId: WebhookId, deleted: Type.Literal(true) });

export const DeliveryState = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')], {
  description: '`pending` (not yet delivered, retried until the horizon), `delivered` (answered 2xx), `failed` (given up).',
});
export type DeliveryState = Static<typeof DeliveryState>;

export const ListDeliveriesQuery = Type.Object({ state: Type.Optional(DeliveryState), ...PageQuery }, { additionalProperties: false });
export type ListDeliveriesQuery = Static<typeof ListDeliveriesQuery>;

export const Delivery = Type.Object(
  {
    deliveryId: Type.Integer(),
    noticeId: Type.String({ description: 'The notice\'s id, the same on every retry and redelivery: deduplicate on it.' }),
    event: Type.String(),
    productId: Type.Integer(),
    eventType: Type.Integer(),
    channel: Type.Union([Type.String(), Type.Null()]),
    state: DeliveryState,
    attempts: Type.Integer({ minimum: 0 }),
    lastAttemptAt: Type.Union([IsoTime, Type.Null()]),
    lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last attempt; null when it got no answer.' }),
    lastLatencyMs: Type.Union([Type.Integer(), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    lastResponseBody: Type.Union([Type.String(), Type.Null()], { description: 'The start of the last answer\'s body (2 KiB at most), as text; null before an answer.' }),
    nextAttemptAt: Type.Union([IsoTime, Type.Null()], { description: 'When it is tried next; null unless pending.' }),
    createdAt: IsoTime,
    deliveredAt: Type.Union([IsoTime, Type.Null()]),
    body: Type.String({ description: 'The exact bytes POSTed and signed.' }),
  },
  { title: 'WebhookDelivery' },
);
export type Delivery = Static<typeof Delivery>;

export const DeliveryPage = Type.Object({
  deliveries: Type.Array(Delivery),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
});
export type DeliveryPage = Static<typeof DeliveryPage>;

/** The body POSTed to an endpoint, as Agora's NCS sends it. */
export const WebhookNotice = Type.Object(
  {
    noticeId: Type.String(),
    productId: Type.Integer({ description: '1: RTC channel events; 3: cloud recording.' }),
    eventType: Type.Integer(),
    notifyMs: Type.Integer({ description: 'Unix ms when the notice was made; the same on every retry, so the body and its signatures never change.' }),
    sid: Type.Optional(Type.String({ description: 'Session id (RTC participant events; recording sid).' })),
    payload: Type.Record(Type.String(), Type.Unknown()),
  },
  { title: 'WebhookNotice' },
);
export type WebhookNotice = Static<typeof WebhookNotice>;
