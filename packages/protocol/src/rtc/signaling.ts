/**
 * The signaling protocol between the SDK and the server: JSON messages over the WebSocket at
 * `GET /v1/rtc`.
 *
 * Media flows over two peer connections per client, so offers never collide:
 * - the *publish* connection: the client offers (its camera and microphone), the server answers;
 * - the *subscribe* connection: the server offers (one sendonly transceiver per subscribed track),
 *   the client answers.
 * Both carry their ICE candidates inside the SDP (no trickle): on loopback and LANs with host
 * candidates gathering takes milliseconds.
 *
 * Requests carry a client-chosen `requestId`; the server's reply to it echoes the id.
 */
import Type, { type Static } from 'typebox';
import { ChannelName, ProjectId, Uid } from '../rest/common.ts';

import { SDP_LIMITS } from '../constants.ts';

export {
  KEEPALIVE_INTERVAL_MS,
  LeaveReason,
  NO_TOKEN_EXPIRY,
  RemoteStreamFallbackType,
  RemoteStreamType,
  RESUME_WINDOW_MS,
  SDP_LIMITS,
  SIGNALING_PATH,
  SIMULCAST_RIDS,
  TOKEN_EXPIRY_WARNING_SECONDS,
} from '../constants.ts';

export const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')]);
export type MediaKind = Static<typeof MediaKind>;

/** `host` publishes and subscribes; `audience` only subscribes (live mode). In `rtc` mode everyone is a host. */
export const ClientRole = Type.Union([Type.Literal('host'), Type.Literal('audience')]);
export type ClientRole = Static<typeof ClientRole>;

const RequestId = Type.String({ minLength: 1, maxLength: 64 });

/** 0: the high layer (full resolution), 1: the low layer, of a publisher that sends dual stream. */
export const StreamType = Type.Union([Type.Literal(0), Type.Literal(1)]);
/** 0: never fall back, 1: fall back to the low layer, 2: to the low layer, then to audio only. */
export const StreamFallback = Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)]);
/**
 * A publish offer holds the client's own tracks: Chromium's offer for audio, camera and a
 * simulcast screen is about 10 KB, so 32 KiB leaves room for many candidates and nothing more.
 * The server also checks its media sections before parsing it (see MAX_PUBLISH_MEDIA_SECTIONS).
 */
const PublishSdp = Type.String({ minLength: 1, maxLength: SDP_LIMITS.publishOfferChars });
/** Subscribe offers and answers carry one media section per subscribed track, so they may be larger. */
const Sdp = Type.String({ minLength: 1, maxLength: SDP_LIMITS.subscribeChars });

// ---------------------------------------------------------------- client → server

export const JoinMessage = Type.Object(
  {
    type: Type.Literal('join'),
    requestId: RequestId,
    appId: ProjectId,
    channel: ChannelName,
    /** Omit (or 0) to let the server assign a numeric uid. */
    uid: Type.Optional(Uid),
    /**
     * Absent only to join a project in testing mode (Agora's `join(appId, channel, null)`); a
     * project that requires tokens refuses the join with `invalid_token`. Sent, it is checked.
     */
    token: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    role: Type.Optional(ClientRole),
    mode: Type.Optional(Type.Union([Type.Literal('rtc'), Type.Literal('live')])),
    /** Free text such as "web", shown in participant lists. */
    platform: Type.Optional(Type.String({ maxLength: 32 })),
    /**
     * True when the client encrypts its media end to end (the SDK's setEncryptionConfig): the
     * server forwards frames it cannot read, and refuses to record the channel while such clients
     * are in it.
     */
    encrypted: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const ResumeMessage = Type.Object(
  {
    type: Type.Literal('resume'),
    requestId: RequestId,
    sessionId: Type.String({ maxLength: 64 }),
    resumeToken: Type.String({ maxLength: 128 }),
  },
  { additionalProperties: false },
);

/** An offer on the publish connection, listing which of its transceivers carry which kind. */
export const PublishOfferMessage = Type.Object(
  {
    type: Type.Literal('publish-offer'),
    requestId: RequestId,
    sdp: PublishSdp,
    tracks: Type.Array(Type.Object({ mid: Type.String({ maxLength: 16 }), kind: MediaKind }), { maxItems: 4 }),
  },
  { additionalProperties: false },
);

/** Stop publishing a kind (the client also stops sending on that transceiver). */
export const UnpublishMessage = Type.Object(
  { type: Type.Literal('unpublish'), requestId: RequestId, kind: MediaKind },
  { additionalProperties: false },
);

/**
 * For video, `streamType` is the layer wanted if the publisher sends dual stream (default high) and
 * `fallback` what to do when the downlink cannot carry it (default 1, as Agora's).
 */
export const SubscribeMessage = Type.Object(
  {
    type: Type.Literal('subscribe'),
    requestId: RequestId,
    uid: Uid,
    kind: MediaKind,
    streamType: Type.Optional(StreamType),
    fallback: Type.Optional(StreamFallback),
  },
  { additionalProperties: false },
);

/** Which layer of a subscribed video to receive (Agora's setRemoteVideoStreamType). */
export const SetStreamTypeMessage = Type.Object(
  { type: Type.Literal('set-stream-type'), requestId: RequestId, uid: Uid, streamType: StreamType },
  { additionalProperties: false },
);

/** What a subscribed video falls back to on a weak downlink (Agora's setStreamFallbackOption). */
export const SetStreamFallbackMessage = Type.Object(
  { type: Type.Literal('set-stream-fallback'), requestId: RequestId, uid: Uid, fallback: StreamFallback },
  { additionalProperties: false },
);

export const UnsubscribeMessage = Type.Object(
  { type: Type.Literal('unsubscribe'), requestId: RequestId, uid: Uid, kind: MediaKind },
  { additionalProperties: false },
);

/** The client's answer to a `subscribe-offer`. */
export const SubscribeAnswerMessage = Type.Object(
  { type: Type.Literal('subscribe-answer'), offerId: Type.Integer({ minimum: 1 }), sdp: Sdp },
  { additionalProperties: false },
);

export const MuteMessage = Type.Object(
  { type: Type.Literal('mute'), kind: MediaKind, muted: Type.Boolean() },
  { additionalProperties: false },
);

export const RenewTokenMessage = Type.Object(
  { type: Type.Literal('renew-token'), requestId: RequestId, token: Type.String({ minLength: 1, maxLength: 4096 }) },
  { additionalProperties: false },
);

/** Live mode: switch between host and audience during the call (Agora's setClientRole after join). */
export const SetRoleMessage = Type.Object(
  { type: Type.Literal('set-role'), requestId: RequestId, role: ClientRole },
  { additionalProperties: false },
);

/** Agora's network quality scale: 0 unknown, 1 excellent … 5 very bad, 6 down. */
export const NetworkQualityLevel = Type.Integer({ minimum: 0, maximum: 6 });

/** The client's own view of its link, every 2 s; the server passes changes on to the others. */
export const NetworkQualityMessage = Type.Object(
  { type: Type.Literal('network-quality'), uplink: NetworkQualityLevel, downlink: NetworkQualityLevel },
  { additionalProperties: false },
);

export const LeaveMessage = Type.Object({ type: Type.Literal('leave') }, { additionalProperties: false });
export const PingMessage = Type.Object({ type: Type.Literal('ping') }, { additionalProperties: false });

export const ClientMessage = Type.Union([
  JoinMessage,
  ResumeMessage,
  PublishOfferMessage,
  UnpublishMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  SetStreamTypeMessage,
  SetStreamFallbackMessage,
  SubscribeAnswerMessage,
  MuteMessage,
  RenewTokenMessage,
  NetworkQualityMessage,
  SetRoleMessage,
  LeaveMessage,
  PingMessage,
]);
export type ClientMessage = Static<typeof ClientMessage>;
export type JoinMessage = Static<typeof JoinMessage>;

// ---------------------------------------------------------------- server → client

export const RemoteUser = Type.Object({
  uid: Uid,
  role: ClientRole,
  /** Kinds the user publishes now. */
  published: Type.Array(MediaKind),
  muted: Type.Object({ audio: Type.Boolean(), video: Type.Boolean() }),
  /** The user's last report of its link, once it has sent one. */
  networkQuality: Type.Optional(Type.Object({ uplink: NetworkQualityLevel, downlink: NetworkQualityLevel })),
});
export type RemoteUser = Static<typeof RemoteUser>;

export const JoinedMessage = Type.Object({
  type: Type.Literal('joined'),
  requestId: RequestId,
  uid: Uid,
  sessionId: Type.String(),
  /** Secret that lets this client `resume` the session on a new socket within RESUME_WINDOW_MS. */
  resumeToken: Type.String(),
  users: Type.Array(RemoteUser),
  /** Unix seconds; 0 (NO_TOKEN_EXPIRY) when the session joined without a token and never expires. */
  tokenExpiresAt: Type.Integer(),
});

export const ResumedMessage = Type.Object({
  type: Type.Literal('resumed'),
  requestId: RequestId,
  uid: Uid,
  users: Type.Array(RemoteUser),
});

export const PublishAnswerMessage = Type.Object({ type: Type.Literal('publish-answer'), requestId: RequestId, sdp: Sdp });

/** A new offer on the subscribe connection; `tracks` maps each active mid to whose track it carries. */
export const SubscribeOfferMessage = Type.Object({
  type: Type.Literal('subscribe-offer'),
  offerId: Type.Integer({ minimum: 1 }),
  sdp: Sdp,
  tracks: Type.Array(Type.Object({ mid: Type.String(), uid: Uid, kind: MediaKind })),
});

export const OkMessage = Type.Object({ type: Type.Literal('ok'), requestId: RequestId });
export const TokenRenewedMessage = Type.Object({ type: Type.Literal('token-renewed'), requestId: RequestId, tokenExpiresAt: Type.Integer() });
/** `serverTime`: the server's clock (Unix ms) when it answered, so clients share one clock (getNtpWallTimeInMs). */
export const PongMessage = Type.Object({ type: Type.Literal('pong'), serverTime: Type.Optional(Type.Integer()) });

export const UserJoinedEvent = Type.Object({ type: Type.Literal('user-joined'), user: RemoteUser });
export const UserLeftEvent = Type.Object({ type: Type.Literal('user-left'), uid: Uid, reason: Type.Integer() });
export const UserPublishedEvent = Type.Object({ type: Type.Literal('user-published'), uid: Uid, kind: MediaKind });
export const UserUnpublishedEvent = Type.Object({ type: Type.Literal('user-unpublished'), uid: Uid, kind: MediaKind });
export const UserMutedEvent = Type.Object({ type: Type.Literal('user-muted'), uid: Uid, kind: MediaKind, muted: Type.Boolean() });
/** A live-mode user switched role: hosts appear to others, audience members disappear. */
export const UserRoleChangedEvent = Type.Object({ type: Type.Literal('user-role-changed'), uid: Uid, role: ClientRole });

/** A remote user's own report of its link changed (getRemoteNetworkQuality). */
export const UserNetworkQualityEvent = Type.Object({
  type: Type.Literal('user-network-quality'),
  uid: Uid,
  uplink: NetworkQualityLevel,
  downlink: NetworkQualityLevel,
});
/** The layer of `uid`'s video this client receives changed (on request or by fallback), at a keyframe. */
export const StreamTypeChangedEvent = Type.Object({ type: Type.Literal('stream-type-changed'), uid: Uid, streamType: StreamType });
/** `uid`'s video stopped for a weak downlink (audio goes on), or came back. */
export const StreamFallbackEvent = Type.Object({
  type: Type.Literal('stream-fallback'),
  uid: Uid,
  isFallbackOrRecover: Type.Union([Type.Literal('fallback'), Type.Literal('recover')]),
});
export const TokenWillExpireEvent = Type.Object({ type: Type.Literal('token-privilege-will-expire'), expiresAt: Type.Integer() });
export const TokenDidExpireEvent = Type.Object({ type: Type.Literal('token-privilege-did-expire') });

/** The server ends the session; the socket closes right after. `reason` uses Agora's leave codes. */
export const KickedEvent = Type.Object({
  type: Type.Literal('kicked'),
  reason: Type.Integer(),
  message: Type.String(),
});

export const SignalingErrorCodes = {
  invalid_message: 'invalid_message',
  invalid_token: 'invalid_token',
  token_expired: 'token_expired',
  forbidden: 'forbidden',
  banned: 'banned',
  not_joined: 'not_joined',
  already_joined: 'already_joined',
  unknown_user: 'unknown_user',
  session_not_found: 'session_not_found',
  negotiation_failed: 'negotiation_failed',
  /** A publish offer or subscribe answer the server will not parse: too many media sections, undeclared mids… */
  invalid_offer: 'invalid_offer',
  /** Every UDP port of the server's media range is in use; try again later. */
  media_ports_exhausted: 'media_ports_exhausted',
  /** A media connection did not connect in time and was closed; publish or subscribe again. */
  media_timeout: 'media_timeout',
  /** Too many sessions from this address or with this token at once. */
  too_many_sessions: 'too_many_sessions',
  /** Too many messages on this socket; the excess was dropped. */
  rate_limited: 'rate_limited',
  internal: 'internal',
} as const;
export type SignalingErrorCode = keyof typeof SignalingErrorCodes;

export const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  requestId: Type.Optional(RequestId),
  code: Type.String(),
  message: Type.String(),
});

export const ServerMessage = Type.Union([
  JoinedMessage,
  ResumedMessage,
  PublishAnswerMessage,
  SubscribeOfferMessage,
  OkMessage,
  TokenRenewedMessage,
  PongMessage,
  UserJoinedEvent,
  UserLeftEvent,
  UserPublishedEvent,
  UserUnpublishedEvent,
  UserMutedEvent,
  UserNetworkQualityEvent,
  UserRoleChangedEvent,
  StreamTypeChangedEvent,
  StreamFallbackEvent,
  TokenWillExpireEvent,
  TokenDidExpireEvent,
  KickedEvent,
  ErrorMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;
