/**
 * Plain values of the protocol, with no TypeBox import, so browser code (the SDK) can use them
 * without pulling the schema library into its bundle: `import … from '@parley/protocol/constants'`.
 */

export const SIGNALING_PATH = '/v1/rtc';
/** How long a session survives a lost socket, waiting for `resume`. */
export const RESUME_WINDOW_MS = 20_000;
/**
 * Clients send `ping` at this interval (the SDK gives up on a server silent for three). The server
 * judges a client by its own WebSocket-level pings instead (SIGNALING_LIMITS.livenessTimeoutMs).
 */
export const KEEPALIVE_INTERVAL_MS = 2_000;
/**
 * Bounds of SDP in signaling, in characters. A browser's offer for audio plus video is about 6 KB;
 * werift's parsing cost grows with media sections, so the server also caps those (see rtc/offerCheck).
 */
export const SDP_LIMITS = {
  publishOfferChars: 32 * 1024,
  subscribeChars: 64 * 1024,
  /** Media sections in a publish offer: one per published track kind, with room for screen sharing. */
  publishMediaSections: 8,
  /** Lines in a publish offer (Chromium's four-section offer has about 300). */
  publishOfferLines: 1200,
} as const;
/**
 * Dual stream (Agora's name for simulcast): the RTP stream ids (RFC 8851 `a=rid`) a publisher gives
 * its two video layers. The SFU tells the layers apart by these, so both sides must agree.
 */
export const SIMULCAST_RIDS = { high: 'h', low: 'l' } as const;
/** Agora's RemoteStreamType: which layer of a dual-stream publisher a subscriber receives. */
export const RemoteStreamType = { HIGH_STREAM: 0, LOW_STREAM: 1 } as const;
export type RemoteStreamType = (typeof RemoteStreamType)[keyof typeof RemoteStreamType];
/**
 * Agora's RemoteStreamFallbackType: what a subscriber falls back to when its downlink cannot carry
 * the layer it asked for. Agora's default, when the app sets nothing, is LOW_STREAM.
 */
export const RemoteStreamFallbackType = { DISABLE: 0, LOW_STREAM: 1, AUDIO_ONLY: 2 } as const;
export type RemoteStreamFallbackType = (typeof RemoteStreamFallbackType)[keyof typeof RemoteStreamFallbackType];

/**
 * H.264 profile-level-ids the SFU forwards (with packetization-mode 1): constrained baseline
 * 42e01f, which the web SDK prefers and Chromium, Safari and werift agree on, then baseline
 * 42001f, Chromium's first. Subscribers are offered exactly the publisher's profile.
 */
export const FORWARDED_H264_PROFILES: readonly string[] = ['42e01f', '42001f'];
/** `token-privilege-will-expire` comes this long before the token expires. */
export const TOKEN_EXPIRY_WARNING_SECONDS = 30;

/**
 * `tokenExpiresAt` of a session that joined with no token (a project in testing mode): it has no
 * token to expire, so no expiry warning and no expiry.
 */
export const NO_TOKEN_EXPIRY = 0;

/** Agora's channel-name alphabet (builder docs): letters, digits, space and these punctuation marks. */
export const CHANNEL_NAME_PUNCTUATION = '! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,';
export const CHANNEL_NAME_CHARACTERS = `a-z A-Z 0-9 space ${CHANNEL_NAME_PUNCTUATION}`;
export const CHANNEL_NAME_PATTERN = '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]{1,63}$';
export const CHANNEL_NAME_RULE = `Channel name must be 1-63 characters from: ${CHANNEL_NAME_CHARACTERS}`;
/** A string uid (user account): 1-255 characters of the channel-name alphabet. */
export const STRING_UID_PATTERN = '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]+$';
export const STRING_UID_MAX_LENGTH = 255;
export const MAX_UINT32 = 4294967295;
/** App IDs, App Certificates, Customer IDs and Secrets are 32 lowercase hex characters, as Agora's builders require. */
export const HEX32_PATTERN = '^[0-9a-f]{32}$';

/** Agora's leave reasons (webhook event 104/106/108 `reason`), used for user-left, kicked and sessions. */
export const LeaveReason = {
  other: 0,
  normal: 1,
  connectionTimeout: 2,
  permission: 3,
  serverInternal: 4,
  replaced: 5,
  networkError: 10,
  tokenExpired: 12,
  unknownNetwork: 99,
} as const;
export type LeaveReason = (typeof LeaveReason)[keyof typeof LeaveReason];

/**
 * What one signaling socket may cost the server, enforced by the server (rtc/signalingConnection,
 * rtc/messageBudget) and published here so clients in any language can stay inside them.
 */
export const SIGNALING_LIMITS = {
  /** A socket that has not sent `join` or `resume` within this time is closed (close code joinTimeout). */
  joinDeadlineMs: 5_000,
  /** The server sends a WebSocket-level ping this often; browsers and WebSocket libraries answer it themselves. */
  livenessPingIntervalMs: 2_000,
  /** A socket the server has heard nothing from (no message, no pong) for this long is cut off without a close frame. */
  livenessTimeoutMs: 6_000,
  /** Messages waiting behind a slow one (an offer being answered); more are dropped as a flood. */
  maxQueuedMessages: 32,
  /**
   * Every message takes a token from a bucket of this capacity, refilled at this rate. A join
   * subscribes to everyone already publishing (two messages a user), so the burst allows a large channel.
   */
  allMessages: { capacity: 200, perSecond: 50 },
  /** Messages that cost the server real work (COSTLY_SIGNALING_MESSAGES) also take from this smaller bucket. */
  costlyMessages: { capacity: 10, perSecond: 1 },
  /** A socket that has more than this many messages dropped within dropWindowMs is closed (close code rateLimited). */
  dropsBeforeClose: 100,
  dropWindowMs: 10_000,
} as const;

/**
 * The largest message is a subscribe answer at its schema limit; JSON escaping of its line breaks
 * adds a few percent. A larger message closes the socket (close code messageTooBig).
 */
export const MAX_SIGNALING_MESSAGE_BYTES = SDP_LIMITS.subscribeChars + 16 * 1024;

/** The client messages that take from SIGNALING_LIMITS.costlyMessages as well. */
export const COSTLY_SIGNALING_MESSAGES = ['join', 'resume', 'publish-offer', 'restart-media', 'renew-token'] as const;

/** WebSocket close codes the server uses on `/v1/rtc` (4000-4999 is the application range). */
export const SIGNALING_CLOSE_CODES = {
  normal: 1000,
  shuttingDown: 1001,
  /** A binary message: the protocol is JSON text. */
  textOnly: 1003,
  /** A message over MAX_SIGNALING_MESSAGE_BYTES (sent by the WebSocket layer before the message is read). */
  messageTooBig: 1009,
  kicked: 4001,
  replaced: 4002,
  tokenExpired: 4003,
  joinRefused: 4005,
  joinTimeout: 4007,
  rateLimited: 4008,
  /** The channel is hosted by another node of the cluster (see the `redirect` before it). */
  redirected: 4010,
} as const;

/**
 * The reply that settles each request on success. Any request may instead be answered by an
 * `error` carrying its requestId.
 */
export const SIGNALING_REPLY_TYPES = {
  join: 'joined',
  resume: 'resumed',
  'publish-offer': 'publish-answer',
  'restart-media': 'ok',
  unpublish: 'ok',
  subscribe: 'ok',
  unsubscribe: 'ok',
  'set-stream-type': 'ok',
  'set-stream-fallback': 'ok',
  'renew-token': 'token-renewed',
  'set-role': 'ok',
} as const;

/**
 * Replies a request may settle with instead of its usual one (and besides `error`): in a
 * cluster, a node that does not host the channel answers `join` with `redirect`.
 */
export const SIGNALING_ALTERNATE_REPLIES: Partial<Record<keyof typeof SIGNALING_REPLY_TYPES, readonly string[]>> = {
  join: ['redirect'],
};
