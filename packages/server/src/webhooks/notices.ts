/**
 * Agora NCS notices: what a domain event becomes on the wire (event type, payload), the exact body
 * bytes, and their signatures. Recording and other products build their own Notice and enqueue it.
 */
import { createHmac, randomUUID } from 'node:crypto';
import {
  NcsProduct,
  NcsRtcEvent,
  WEBHOOK_TEST_EVENT,
  WEBHOOK_TEST_EVENT_TYPE,
  WEBHOOK_TEST_PRODUCT_ID,
  type DomainEvent,
  type WebhookEventName,
} from '@parley/protocol';

/** One notice for a project, before it is fanned out to the project's endpoints. */
export interface Notice {
  appId: string;
  /** The name endpoints filter on (WEBHOOK_EVENTS). */
  event: WebhookEventName | (string & {});
  productId: number;
  eventType: number;
  payload: Record<string, unknown>;
  /** NCS `sid`: the RTC session id, or the recording sid. */
  sid?: string;
  /** Shown with the delivery. */
  channel?: string;
  /** Notices with the same key reach an endpoint one at a time, in the order they were enqueued. */
  orderKey: string;
  /** Unix ms: the body's `notifyMs`. */
  at: number;
}

/** Agora's platform numbers (1 Android, 2 iOS, 5 Windows, 6 Linux, 7 Web, 8 macOS; 0 other) for Parley's free-text platform. */
const PLATFORMS: Record<string, number> = {
  android: 1,
  ios: 2,
  ipados: 2,
  windows: 5,
  win: 5,
  linux: 6,
  web: 7,
  browser: 7,
  macos: 8,
  mac: 8,
  osx: 8,
  // Agora's cloud recorder reports itself as a Linux client of type 10.
  'cloud-recording': 6,
};
const CLOUD_RECORDING_CLIENT_TYPE = 10;

export function agoraPlatform(platform: string): number {
  return PLATFORMS[platform.toLowerCase()] ?? 0;
}

/** Agora's uids are numbers; a string account goes in `account` with uid 0. */
function uidFields(uid: number | string): { uid: number; account: string } {
  return typeof uid === 'number' ? { uid, account: String(uid) } : { uid: 0, account: uid };
}

/** Per-client sequence numbers: a millisecond clock that never repeats or steps back in this process. */
export class ClientSequence {
  #last = 0;

  next(now = Date.now()): number {
    this.#last = Math.max(now, this.#last + 1);
    return this.#last;
  }
}

export function rtcOrderKey(channel: string): string {
  return `rtc:${channel}`;
}

/** The NCS notice of a domain event; undefined for events NCS has no notice for (tracks). */
export function noticeForEvent(event: DomainEvent, sequence: ClientSequence): Notice | undefined {
  const base = { appId: event.appId, productId: NcsProduct.rtc, channel: event.channel, orderKey: rtcOrderKey(event.channel), at: event.at };
  const ts = Math.floor(event.at / 1000);
  switch (event.type) {
    case 'channel.created':
      return { ...base, event: event.type, eventType: NcsRtcEvent.channelCreated, payload: { channelName: event.channel, ts } };
    case 'channel.destroyed':
      return {
        ...base,
        event: event.type,
        eventType: NcsRtcEvent.channelDestroyed,
        payload: { channelName: event.channel, ts, lastUid: uidFields(event.lastUid).uid },
      };
    case 'participant.joined':
    case 'participant.left': {
      const joined = event.type === 'participant.joined';
      const live = event.mode === 'live';
      const broadcaster = event.role === 'host';
      const eventType = !live
        ? joined ? NcsRtcEvent.communicationJoined : NcsRtcEvent.communicationLeft
        : broadcaster
          ? joined ? NcsRtcEvent.broadcasterJoined : NcsRtcEvent.broadcasterLeft
          : joined ? NcsRtcEvent.audienceJoined : NcsRtcEvent.audienceLeft;
      const platform = agoraPlatform(event.platform);
      const { uid, account } = uidFields(event.uid);
      const payload: Record<string, unknown> = {
        channelName: event.channel,
        uid,
        platform,
        ...(event.role === 'recorder' ? { clientType: CLOUD_RECORDING_CLIENT_TYPE } : {}),
        clientSeq: sequence.next(),
        ts,
        account,
      };
      if (event.type === 'participant.left') {
        payload.reason = event.reason;
        // Whole seconds in the channel; a clock stepping back never makes it negative.
        payload.duration = Math.max(0, Math.round((event.at - event.joinedAt) / 1000));
      }
      return { ...base, event: event.type, eventType, payload, sid: event.sessionId };
    }
    case 'participant.role-changed': {
      const { uid, account } = uidFields(event.uid);
      return {
        ...base,
        event: event.type,
        eventType: event.role === 'host' ? NcsRtcEvent.roleToBroadcaster : NcsRtcEvent.roleToAudience,
        payload: { channelName: event.channel, uid, clientSeq: sequence.next(), ts, account },
        sid: event.sessionId,
      };
    }
    default:
      return undefined;
  }
}

/**
 * The notice of a test event, for one webhook. Its order key is its own, so it neither waits
 * behind a channel's pending notices nor holds any back.
 */
export function testNotice(appId: string, webhookId: string, at: number): Notice {
  return {
    appId,
    event: WEBHOOK_TEST_EVENT,
    productId: WEBHOOK_TEST_PRODUCT_ID,
    eventType: WEBHOOK_TEST_EVENT_TYPE,
    payload: { webhookId, projectId: appId, message: 'A test event sent on request: this endpoint receives Parley\'s notices.' },
    orderKey: `${WEBHOOK_TEST_EVENT}:${randomUUID()}`,
    at,
  };
}

/** The exact JSON bytes of a notice: the same on every attempt, so its signatures are too. */
export function noticeBody(noticeId: string, notice: Notice): string {
  return JSON.stringify({
    noticeId,
    productId: notice.productId,
    eventType: notice.eventType,
    notifyMs: notice.at,
    ...(notice.sid !== undefined ? { sid: notice.sid } : {}),
    payload: notice.payload,
  });
}

/** Agora's two signature headers over the raw body: hex HMAC-SHA1 and hex HMAC-SHA256 with the secret. */
export function signatureHeaders(secret: string, body: string): { 'Agora-Signature': string; 'Agora-Signature-V2': string } {
  return {
    'Agora-Signature': createHmac('sha1', secret).update(body, 'utf8').digest('hex'),
    'Agora-Signature-V2': createHmac('sha256', secret).update(body, 'utf8').digest('hex'),
  };
}
