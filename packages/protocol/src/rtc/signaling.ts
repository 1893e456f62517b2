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
 *
 * Every message and field carries a `description`: the docs portal's signaling reference is
 * generated from these schemas, so the text here is what a client author in any language reads.
 */
import Type, { type Static } from 'typebox';
import { ChannelName, ProjectId, Uid } from '../rest/common.ts';

import { LeaveReason, RESUME_WINDOW_MS, SDP_LIMITS, SIGNALING_CLOSE_CODES, TOKEN_EXPIRY_WARNING_SECONDS } from '../constants.ts';

export {
  COSTLY_SIGNALING_MESSAGES,
  KEEPALIVE_INTERVAL_MS,
  LeaveReason,
  MAX_SIGNALING_MESSAGE_BYTES,
  NO_TOKEN_EXPIRY,
  RemoteStreamFallbackType,
  RemoteStreamType,
  RESUME_WINDOW_MS,
  SDP_LIMITS,
  SIGNALING_CLOSE_CODES,
  SIGNALING_LIMITS,
  SIGNALING_PATH,
  SIGNALING_REPLY_TYPES,
  SIGNALING_ALTERNATE_REPLIES,
  SIMULCAST_RIDS,
  TOKEN_EXPIRY_WARNING_SECONDS,
} from '../constants.ts';

/** Agora's leave reasons as a description reads them: `0 other, 1 normal, …`. */
const LEAVE_REASONS = Object.entries(LeaveReason)
  .map(([name, code]) => `${code} ${name}`)
  .join(', ');

/** A shared schema with the description of one use of it (TypeBox schemas are plain JSON objects). */
function described<T extends object>(schema: T, description: string): T {
  return { ...schema, description };
}

/** Another user's uid; its example is numeric, so examples show both forms of uid. */
function otherUid(description: string): typeof Uid {
  return described({ ...Uid, examples: [2001] }, description);
}

export const MediaKind = Type.Union([Type.Literal('audio'), Type.Literal('video')], { description: 'The kind of track.' });
export type MediaKind = Static<typeof MediaKind>;

export const ClientRole = Type.Union([Type.Literal('host'), Type.Literal('audience')], {
  description: '`host` publishes and subscribes; `audience` only subscribes (live mode). In `rtc` mode everyone is a host.',
});
export type ClientRole = Static<typeof ClientRole>;

const RequestId = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'Chosen by the client, unique among its requests on this socket; the reply (or `error`) echoes it.',
  examples: ['r-1'],
});
/** The id a reply echoes. */
const ReplyRequestId = described(RequestId, 'The `requestId` of the request this message answers.');

export const StreamType = Type.Union([Type.Literal(0), Type.Literal(1)], {
  description: 'A layer of a publisher that sends dual stream: 0 the high layer (full resolution), 1 the low layer.',
});
export const StreamFallback = Type.Union([Type.Literal(0), Type.Literal(1), Type.Literal(2)], {
  description: 'What to do when the downlink cannot carry the video: 0 never fall back, 1 fall back to the low layer, 2 to the low layer, then to audio only.',
  examples: [1],
});

const EXAMPLE_SDP = 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n…';
/**
 * A publish offer holds the client's own tracks: Chromium's offer for audio, camera and a
 * simulcast screen is about 10 KB, so 32 KiB leaves room for many candidates and nothing more.
 * The server also checks its media sections before parsing it (see MAX_PUBLISH_MEDIA_SECTIONS).
 */
const PublishSdp = Type.String({
  minLength: 1,
  maxLength: SDP_LIMITS.publishOfferChars,
  description: `The offer's SDP, ICE candidates included (no trickle). At most ${SDP_LIMITS.publishMediaSections} media sections and ${SDP_LIMITS.publishOfferLines} lines.`,
  examples: [EXAMPLE_SDP],
});
/** Subscribe offers and answers carry one media section per subscribed track, so they may be larger. */
const Sdp = Type.String({ minLength: 1, maxLength: SDP_LIMITS.subscribeChars, description: 'SDP, ICE candidates included (no trickle).', examples: [EXAMPLE_SDP] });
const Token = Type.String({ minLength: 1, maxLength: 4096, description: 'An access token for this channel and uid, minted by your backend.', examples: ['007eJxTYBBb…'] });
const OfferId = Type.Integer({ minimum: 1, description: 'Numbers the subscribe offers of this session; answers name the offer they answer.', examples: [3] });
const UnixSeconds = Type.Integer({ description: 'Unix time in seconds.', examples: [1768469400] });
const Mid = Type.String({ maxLength: 16, description: 'The media id (`a=mid`) of a transceiver in the SDP.', examples: ['0'] });

// ---------------------------------------------------------------- client → server

export const JoinMessage = Type.Object(
  {
    type: Type.Literal('join'),
    requestId: RequestId,
    appId: ProjectId,
    channel: ChannelName,
    uid: Type.Optional(described(Uid, 'The uid to join as. Omit (or send 0) to let the server assign a numeric uid.')),
    token: Type.Optional(
      described(
        Token,
        "An access token for this channel and uid, minted by your backend. Omit only to join a project in testing mode (Agora's `join(appId, channel, null)`); a project that requires tokens refuses the join with `invalid_token`. Sent, it is checked.",
      ),
    ),
    role: Type.Optional(described(ClientRole, 'Live mode only: `host` (default) or `audience`. In `rtc` mode everyone is a host.')),
    mode: Type.Optional(Type.Union([Type.Literal('rtc'), Type.Literal('live')], { description: '`rtc` (default): everyone publishes. `live`: hosts publish, the audience only subscribes.' })),
    platform: Type.Optional(Type.String({ maxLength: 32, description: 'Free text such as "web", shown in participant lists.', examples: ['web'] })),
    encrypted: Type.Optional(
      Type.Boolean({
        examples: [false],
        description:
          'True when the client encrypts its media end to end (the SDK\'s setEncryptionConfig): the server forwards frames it cannot read, and refuses to record the channel while such clients are in it.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The first message on a new socket: enters the channel. Send it within the join deadline of connecting. The reply lists who is in the channel; a refused join is answered with an `error` and the socket is closed.',
  },
);

export const ResumeMessage = Type.Object(
  {
    type: Type.Literal('resume'),
    requestId: RequestId,
    sessionId: Type.String({ maxLength: 64, description: 'The `sessionId` of the `joined` reply.', examples: ['5f0c2a9e-7b1d-4c55-9a53-2f0d6f1b8e11'] }),
    resumeToken: Type.String({ maxLength: 128, description: 'The `resumeToken` of the `joined` reply.', examples: ['q8V1hZ3k…'] }),
  },
  {
    additionalProperties: false,
    description: `The first message on a new socket after the previous one was lost: takes the session over, within ${RESUME_WINDOW_MS / 1000} s of the loss. Published tracks, subscriptions and media connections carry on. Answered with \`session_not_found\` when the window has passed: join again.`,
  },
);

export const PublishOfferMessage = Type.Object(
  {
    type: Type.Literal('publish-offer'),
    requestId: RequestId,
    sdp: PublishSdp,
    tracks: Type.Array(
      Type.Object({ mid: Mid, kind: MediaKind }, { description: 'A transceiver of the offer and the kind it carries.' }),
      { maxItems: 4, description: 'Which of the offer\'s transceivers carry which kind. May be empty (an offer for the data channel only).' },
    ),
  },
  {
    additionalProperties: false,
    description:
      'An offer on the publish connection, the client\'s own peer connection for its tracks and its data channel. Sent to start publishing, and again whenever the client adds or replaces a track. The server answers with the SDP answer and tells the others `user-published`.',
  },
);

export const UnpublishMessage = Type.Object(
  { type: Type.Literal('unpublish'), requestId: RequestId, kind: described(MediaKind, 'The kind to stop publishing.') },
  { additionalProperties: false, description: 'Stop publishing a kind (the client also stops sending on that transceiver). The others get `user-unpublished`.' },
);

/** A client's two media connections: the one it offers (publish, data channel) and the one the server offers (subscribe). */
export const MediaConnection = Type.Union([Type.Literal('publish'), Type.Literal('subscribe')], { description: 'Which media connection: `publish` (the client offers) or `subscribe` (the server offers).' });
export type MediaConnection = Static<typeof MediaConnection>;

export const RestartMediaMessage = Type.Object(
  { type: Type.Literal('restart-media'), requestId: RequestId, connection: described(MediaConnection, 'The connection to rebuild.') },
  {
    additionalProperties: false,
    description:
      'A media connection failed (the client saw it fail, or the server sent `media-lost`): the server closes its side and keeps what it carried. Answered by `ok`. For `publish`, the client then offers again on a new connection (`publish-offer` with every kind it sends, and opens its data channel again if it had one); the others keep their subscriptions and see no change. For `subscribe`, the server offers every subscription again on a new connection (`subscribe-offer`).',
  },
);

export const SubscribeMessage = Type.Object(
  {
    type: Type.Literal('subscribe'),
    requestId: RequestId,
    uid: otherUid('The publishing user.'),
    kind: described(MediaKind, 'The kind to receive.'),
    streamType: Type.Optional(described(StreamType, 'Video: the layer wanted if the publisher sends dual stream. Default 0 (high).')),
    fallback: Type.Optional(described(StreamFallback, 'Video: what to do when the downlink cannot carry the layer. Default 1 (the low layer), as Agora\'s.')),
  },
  {
    additionalProperties: false,
    description:
      'Receive a track a user publishes (after its `user-published`). The `ok` comes first; a `subscribe-offer` carrying the track follows on the subscribe connection.',
  },
);

export const SetStreamTypeMessage = Type.Object(
  { type: Type.Literal('set-stream-type'), requestId: RequestId, uid: otherUid('The publisher of a subscribed video.'), streamType: StreamType },
  {
    additionalProperties: false,
    description: "Which layer of a subscribed video to receive (Agora's setRemoteVideoStreamType). The switch happens at the next keyframe, announced by `stream-type-changed`.",
  },
);

export const SetStreamFallbackMessage = Type.Object(
  { type: Type.Literal('set-stream-fallback'), requestId: RequestId, uid: otherUid('The publisher of a subscribed video.'), fallback: StreamFallback },
  { additionalProperties: false, description: "What a subscribed video falls back to on a weak downlink (Agora's setStreamFallbackOption)." },
);

export const UnsubscribeMessage = Type.Object(
  { type: Type.Literal('unsubscribe'), requestId: RequestId, uid: otherUid('The publishing user.'), kind: described(MediaKind, 'The kind to stop receiving.') },
  { additionalProperties: false, description: 'Stop receiving a track. A new `subscribe-offer` without it follows.' },
);

export const SubscribeAnswerMessage = Type.Object(
  { type: Type.Literal('subscribe-answer'), offerId: described(OfferId, 'The `offerId` of the `subscribe-offer` this answers.'), sdp: described(Sdp, 'The answer\'s SDP, ICE candidates included.') },
  {
    additionalProperties: false,
    description: 'The client\'s answer to a `subscribe-offer`, sent once its subscribe connection has applied the offer. No reply; an answer to an offer that a newer one replaced is ignored.',
  },
);

export const MuteMessage = Type.Object(
  { type: Type.Literal('mute'), kind: described(MediaKind, 'The published kind muted or unmuted.'), muted: Type.Boolean({ description: 'True when muted.' }) },
  { additionalProperties: false, description: 'The client muted or unmuted a published track (it keeps publishing). No reply; the others get `user-muted`.' },
);

export const RenewTokenMessage = Type.Object(
  { type: Type.Literal('renew-token'), requestId: RequestId, token: described(Token, 'A new access token for the same channel and uid.') },
  {
    additionalProperties: false,
    description: `Replaces the session's token before it expires (after \`token-privilege-will-expire\`, ${TOKEN_EXPIRY_WARNING_SECONDS} s before expiry). The reply gives the new expiry.`,
  },
);

export const SetRoleMessage = Type.Object(
  { type: Type.Literal('set-role'), requestId: RequestId, role: described(ClientRole, 'The new role.') },
  {
    additionalProperties: false,
    description: "Live mode: switch between host and audience during the call (Agora's setClientRole after join). An audience member's tracks are unpublished; the others get `user-role-changed`.",
  },
);

export const NetworkQualityLevel = Type.Integer({
  minimum: 0,
  maximum: 6,
  description: "Agora's network quality scale: 0 unknown, 1 excellent, 2 good, 3 poor, 4 bad, 5 very bad, 6 down.",
  examples: [1],
});

export const NetworkQualityMessage = Type.Object(
  {
    type: Type.Literal('network-quality'),
    uplink: described(NetworkQualityLevel, 'The quality of the client\'s uplink, on Agora\'s scale (0 unknown, 1 excellent … 6 down).'),
    downlink: described(NetworkQualityLevel, 'The quality of the client\'s downlink, on the same scale.'),
  },
  { additionalProperties: false, description: 'The client\'s own view of its link, every 2 s. No reply; the server passes changes on to the others as `user-network-quality`.' },
);

export const LeaveMessage = Type.Object(
  { type: Type.Literal('leave') },
  { additionalProperties: false, description: 'Leaves the channel on purpose: the session ends at once (no resume window) and the socket closes. The others get `user-left`.' },
);
export const PingMessage = Type.Object(
  { type: Type.Literal('ping') },
  { additionalProperties: false, description: 'Keepalive, every KEEPALIVE_INTERVAL_MS. Allowed before `join`. Answered by `pong`, which carries the server\'s clock.' },
);

export const ClientMessage = Type.Union([
  JoinMessage,
  ResumeMessage,
  PublishOfferMessage,
  UnpublishMessage,
  RestartMediaMessage,
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

export const RemoteUser = Type.Object(
  {
    uid: otherUid('The user\'s uid.'),
    role: ClientRole,
    published: Type.Array(MediaKind, { description: 'Kinds the user publishes now.' }),
    muted: Type.Object(
      { audio: Type.Boolean({ description: 'Audio muted.', examples: [false] }), video: Type.Boolean({ description: 'Video muted.', examples: [false] }) },
      { description: 'Which published kinds the user has muted.' },
    ),
    networkQuality: Type.Optional(
      Type.Object({ uplink: NetworkQualityLevel, downlink: NetworkQualityLevel }, { description: 'The user\'s last report of its link, once it has sent one.' }),
    ),
  },
  { description: 'Another user in the channel, as this client sees it.' },
);
export type RemoteUser = Static<typeof RemoteUser>;

/** A TURN server the client may relay its media through, with credentials minted for this session. */
export const IceServer = Type.Object(
  {
    urls: Type.Array(Type.String({ maxLength: 512 }), {
      description: 'TURN URLs of one server (`turn:host:port?transport=udp|tcp`, `turns:host:port`): pass them as they are to RTCPeerConnection.',
      examples: [['turn:turn.example.com:3478?transport=udp', 'turn:turn.example.com:3478?transport=tcp', 'turns:turn.example.com:5349']],
    }),
    username: Type.String({ maxLength: 256, description: 'TURN username in the TURN REST API form `<expiry in Unix seconds>:<session>`.', examples: ['1768555800:5f0c2a9e-7b1d-4c55-9a53-2f0d6f1b8e11'] }),
    credential: Type.String({ maxLength: 256, description: 'TURN password: base64(HMAC-SHA1(the TURN secret, username)). Valid until the expiry in the username.', examples: ['q3YJtX0Hn3+gq6eVd6qN6mJ4w1o='] }),
  },
  { description: 'One entry of RTCConfiguration.iceServers.' },
);
export type IceServer = Static<typeof IceServer>;

const IceServers = Type.Array(IceServer, {
  description:
    'TURN servers for this session\'s peer connections, present when the server has TURN configured. Use them as RTCConfiguration.iceServers so media can relay through TURN (UDP, TCP or TLS) when direct UDP to the server fails. Fresh credentials also come with `resumed` and `token-renewed`: hand them to setConfiguration.',
});

const Users = Type.Array(RemoteUser, { description: 'Everyone else in the channel this client sees (in live mode, an audience member sees only hosts).' });

export const JoinedMessage = Type.Object(
  {
    type: Type.Literal('joined'),
    requestId: ReplyRequestId,
    uid: described(Uid, 'This client\'s uid: the one it asked for, or the one the server assigned.'),
    sessionId: Type.String({ description: 'Names the session, for `resume`.', examples: ['5f0c2a9e-7b1d-4c55-9a53-2f0d6f1b8e11'] }),
    resumeToken: Type.String({ description: `Secret that lets this client \`resume\` the session on a new socket within ${RESUME_WINDOW_MS / 1000} s of losing this one. Keep it in memory only.`, examples: ['q8V1hZ3k…'] }),
    users: Users,
    tokenExpiresAt: described(UnixSeconds, 'When the token expires, in Unix seconds; 0 (NO_TOKEN_EXPIRY) when the session joined without a token and never expires.'),
    iceServers: Type.Optional(IceServers),
    nodes: Type.Optional(
      Type.Array(Type.String({ maxLength: 2048 }), {
        maxItems: 64,
        description: "The http(s) URLs of the cluster's serving nodes, this one first (present when the server runs as a cluster). If this node stops answering, join again through another.",
        examples: [['https://node-a.example.com', 'https://node-b.example.com']],
      }),
    ),
  },
  { description: 'The reply to `join`: this client is in the channel.' },
);

export const RedirectMessage = Type.Object(
  {
    type: Type.Literal('redirect'),
    requestId: ReplyRequestId,
    url: Type.String({ maxLength: 2048, description: 'The http(s) URL of the node that hosts the channel: open a socket to its `/v1/rtc` and send the same `join` there.', examples: ['https://node-b.example.com'] }),
    nodeId: Type.String({ maxLength: 256, description: 'The id of that node (PARLEY_NODE_ID), for logs.', examples: ['node-b'] }),
  },
  {
    description:
      'A reply to `join` when the server runs as a cluster and another node hosts the channel: every participant of a channel is on one node, so its media flows through one SFU. The socket closes right after (close code `redirected`).',
  },
);

export const ResumedMessage = Type.Object(
  {
    type: Type.Literal('resumed'),
    requestId: ReplyRequestId,
    uid: described(Uid, 'This client\'s uid.'),
    users: described(Users, 'Everyone else in the channel now: compare with what the client knew to catch up on joins and leaves it missed.'),
    iceServers: Type.Optional(IceServers),
  },
  { description: 'The reply to `resume`: the session carries on over this socket.' },
);

export const PublishAnswerMessage = Type.Object(
  { type: Type.Literal('publish-answer'), requestId: ReplyRequestId, sdp: described(Sdp, 'The server\'s answer for the publish connection.') },
  { description: 'The reply to `publish-offer`: apply it as the remote description of the publish connection.' },
);

export const SubscribeOfferMessage = Type.Object(
  {
    type: Type.Literal('subscribe-offer'),
    offerId: OfferId,
    sdp: described(Sdp, 'The server\'s offer for the subscribe connection.'),
    tracks: Type.Array(
      Type.Object(
        { mid: Type.String({ description: 'The media id of the transceiver.', examples: ['0'] }), uid: otherUid('The publisher of the track.'), kind: MediaKind },
        { description: 'What one active transceiver carries.' },
      ),
      { description: 'Maps each active mid to whose track it carries.' },
    ),
  },
  {
    description:
      'A new offer on the subscribe connection, after every subscription change (yours, or a publisher leaving). Apply it as the remote description and send a `subscribe-answer` with the same `offerId`.',
  },
);

export const OkMessage = Type.Object(
  { type: Type.Literal('ok'), requestId: ReplyRequestId },
  { description: 'The reply to a request that has nothing else to say: it was done.' },
);
export const TokenRenewedMessage = Type.Object(
  {
    type: Type.Literal('token-renewed'),
    requestId: ReplyRequestId,
    tokenExpiresAt: described(UnixSeconds, 'When the new token expires, in Unix seconds.'),
    iceServers: Type.Optional(IceServers),
  },
  { description: 'The reply to `renew-token`: the new token is accepted.' },
);
export const PongMessage = Type.Object(
  {
    type: Type.Literal('pong'),
    serverTime: Type.Optional(Type.Integer({ description: 'The server\'s clock (Unix ms) when it answered, so clients share one clock (getNtpWallTimeInMs).', examples: [1768469400123] })),
  },
  { description: 'The answer to `ping`.' },
);

export const UserJoinedEvent = Type.Object(
  { type: Type.Literal('user-joined'), user: RemoteUser },
  { description: 'Another user joined the channel (in live mode: a host joined, or an audience member became one).' },
);
export const UserLeftEvent = Type.Object(
  {
    type: Type.Literal('user-left'),
    uid: otherUid('The user who left.'),
    reason: Type.Integer({ description: `Agora's leave reason: ${LEAVE_REASONS}.`, examples: [LeaveReason.normal] }),
  },
  { description: 'Another user left the channel (in live mode: a host left, or became audience).' },
);
export const UserPublishedEvent = Type.Object(
  { type: Type.Literal('user-published'), uid: otherUid('The publisher.'), kind: described(MediaKind, 'The kind it now publishes.') },
  { description: 'Another user started publishing a kind; send `subscribe` to receive it.' },
);
export const UserUnpublishedEvent = Type.Object(
  { type: Type.Literal('user-unpublished'), uid: otherUid('The publisher.'), kind: described(MediaKind, 'The kind it stopped publishing.') },
  { description: 'Another user stopped publishing a kind; a subscription to it ends (a new `subscribe-offer` follows).' },
);
export const UserMutedEvent = Type.Object(
  { type: Type.Literal('user-muted'), uid: otherUid('The publisher.'), kind: described(MediaKind, 'The muted or unmuted kind.'), muted: Type.Boolean({ description: 'True when muted.' }) },
  { description: 'Another user muted or unmuted a published track.' },
);
export const UserRoleChangedEvent = Type.Object(
  { type: Type.Literal('user-role-changed'), uid: otherUid('The user.'), role: described(ClientRole, 'The new role.') },
  { description: 'A live-mode user switched role: hosts appear to others, audience members disappear.' },
);

export const UserNetworkQualityEvent = Type.Object(
  {
    type: Type.Literal('user-network-quality'),
    uid: otherUid('The reporting user.'),
    uplink: described(NetworkQualityLevel, 'Its uplink, on Agora\'s scale (0 unknown, 1 excellent … 6 down).'),
    downlink: described(NetworkQualityLevel, 'Its downlink, on the same scale.'),
  },
  { description: 'A remote user\'s own report of its link changed (getRemoteNetworkQuality).' },
);
export const StreamTypeChangedEvent = Type.Object(
  { type: Type.Literal('stream-type-changed'), uid: otherUid('The publisher.'), streamType: described(StreamType, 'The layer now received.') },
  { description: 'The layer of a user\'s video this client receives changed (on request or by fallback), at a keyframe.' },
);
export const StreamFallbackEvent = Type.Object(
  {
    type: Type.Literal('stream-fallback'),
    uid: otherUid('The publisher.'),
    isFallbackOrRecover: Type.Union([Type.Literal('fallback'), Type.Literal('recover')], { description: '`fallback`: the video stopped; `recover`: it came back.' }),
  },
  { description: 'A user\'s video stopped for a weak downlink (audio goes on), or came back.' },
);
export const TokenWillExpireEvent = Type.Object(
  { type: Type.Literal('token-privilege-will-expire'), expiresAt: described(UnixSeconds, 'When the token expires, in Unix seconds.') },
  { description: `The session's token expires in ${TOKEN_EXPIRY_WARNING_SECONDS} s: fetch a new one from your backend and send \`renew-token\`.` },
);
export const TokenDidExpireEvent = Type.Object(
  { type: Type.Literal('token-privilege-did-expire') },
  { description: 'The session\'s token expired: the session ends and the socket closes (close code tokenExpired).' },
);

export const KickedEvent = Type.Object(
  {
    type: Type.Literal('kicked'),
    reason: Type.Integer({
      description: `Agora's leave reason (${LEAVE_REASONS}): permission when a kicking rule, a deleted channel or testing mode switched off removed the client, replaced when the same uid joined elsewhere.`,
      examples: [LeaveReason.permission],
    }),
    message: Type.String({ description: 'Why, in words.', examples: ['The channel was deleted'] }),
  },
  { description: 'The server ends the session; the socket closes right after. Do not resume: join again if appropriate.' },
);

export const MediaLostEvent = Type.Object(
  {
    type: Type.Literal('media-lost'),
    connection: described(MediaConnection, 'The connection the server closed.'),
    reason: Type.Union([Type.Literal('timeout'), Type.Literal('failed')], {
      description: '`timeout`: it did not connect (ICE and DTLS) within the server\'s connect timeout; `failed`: its ICE checks all failed, or it stopped working after connecting (no consent for 30 s).',
    }),
  },
  {
    description:
      'The server closed one of this client\'s media connections that did not connect in time or failed; what it carried (published kinds, subscriptions) is kept. Send `restart-media` to get it back.',
  },
);

/** Every error code of the protocol, with what it means for the client. */
export const SignalingErrorCodes = {
  invalid_message: 'The message is not JSON, has an unknown `type`, or does not match its schema; or the request is not allowed as asked.',
  invalid_token: 'The token is malformed, signed for another project, channel or uid, or missing where the project requires one.',
  token_expired: 'The token has expired: get a new one from your backend.',
  forbidden: 'The token or role does not allow this (publishing as audience, an encrypted client in a recorded channel…).',
  banned: 'A kicking rule bans this user, address or channel.',
  not_joined: 'The socket has not joined (or has left): send `join` first.',
  already_joined: 'The socket has joined already; one session per socket.',
  unknown_user: 'No such user in the channel, or it does not publish that kind.',
  session_not_found: 'No session to resume (the resume window passed, or the resume token is wrong): join again.',
  negotiation_failed: 'Reserved for an SDP the server could not apply; the server does not send it today.',
  invalid_offer: 'A publish offer or subscribe answer the server will not parse: too many media sections, undeclared mids…',
  media_ports_exhausted: "Every UDP port of the server's media range is in use: the reply to a `publish-offer`, or (without a requestId) instead of a subscribe offer. Try again later.",
  too_many_sessions: 'Too many sessions from this address or with this token at once.',
  rate_limited: 'Too many messages on this socket; the excess was dropped (this error comes once per flood).',
  internal: 'The server failed; the request may be retried.',
} as const;
export type SignalingErrorCode = keyof typeof SignalingErrorCodes;

export const ErrorMessage = Type.Object(
  {
    type: Type.Literal('error'),
    requestId: Type.Optional(described(RequestId, 'The `requestId` of the request refused, when the message had one.')),
    code: Type.String({ description: 'A machine-readable code (see the error codes table).', examples: ['invalid_token'] }),
    message: Type.String({ description: 'What went wrong, for people.', examples: ['Invalid token'] }),
  },
  { description: 'A request was refused, or a message could not be handled. With a `requestId`, it settles that request instead of its usual reply.' },
);

export const ServerMessage = Type.Union([
  JoinedMessage,
  RedirectMessage,
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
  MediaLostEvent,
  ErrorMessage,
]);
export type ServerMessage = Static<typeof ServerMessage>;

/** What each WebSocket close code of SIGNALING_CLOSE_CODES means for the client. */
export const SIGNALING_CLOSE_REASONS = {
  normal: 'The session ended: the client left, or its resume window passed.',
  shuttingDown: 'The server is shutting down.',
  textOnly: 'The client sent a binary message: the protocol is JSON text.',
  messageTooBig: 'A message was larger than the largest allowed.',
  kicked: 'The server removed the client (see the `kicked` event before it).',
  replaced: 'Another socket took the session over: a `resume`, or a `join` with the same uid.',
  tokenExpired: 'The token expired (see `token-privilege-did-expire`).',
  joinRefused: 'The `join` was refused (see the `error` before it; its code is the close reason).',
  joinTimeout: 'No `join` or `resume` within the join deadline.',
  rateLimited: 'The client kept sending past its message budget.',
  redirected: 'Another node of the cluster hosts the channel (see the `redirect` before it): join there.',
} as const satisfies Record<keyof typeof SIGNALING_CLOSE_CODES, string>;
