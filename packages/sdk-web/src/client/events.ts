/**
 * Everything a client tells its application: the one documented map of client events, with the
 * connection states and reason strings they carry. `client.on(name, listener)` is typed from it.
 */
import type { MediaKind } from '@parley/protocol';
import type { RemoteStreamType } from '../protocolConstants.ts';
import type { RemoteUser } from './remoteUser.ts';
import type { NetworkQuality } from './networkQuality.ts';
import type { VolumeIndicatorResult } from './volumeIndicator.ts';

/**
 * DISCONNECTED → CONNECTING (join) → CONNECTED; CONNECTED → RECONNECTING (socket lost) →
 * CONNECTED (resumed) or DISCONNECTED; any → DISCONNECTING (leave) → DISCONNECTED.
 */
export type ConnectionState = 'DISCONNECTED' | 'CONNECTING' | 'CONNECTED' | 'RECONNECTING' | 'DISCONNECTING';

/** Why the client reached DISCONNECTED. */
export type ConnectionDisconnectedReason =
  /** leave() was called. */
  | 'LEAVE'
  /** The server could not be reached, or the session could not be resumed within the resume window. */
  | 'NETWORK_ERROR'
  /** The server refused to join (see the error join() rejected with). */
  | 'SERVER_ERROR'
  /** Kicked or refused because the uid (or its IP, or the channel) is banned — leave reason 3. */
  | 'UID_BANNED'
  /** The token expired — leave reason 12. */
  | 'TOKEN_EXPIRED'
  /** The same uid joined the channel from elsewhere — leave reason 5. */
  | 'REPLACED'
  /** The server ended the session for another reason. */
  | 'SERVER_KICKED';

/**
 * Why a remote user left. Agora's three values, plus the server's own reasons where Agora has
 * none: "Quit" (left normally), "ServerTimeOut" (connection lost), "BecomeAudience" (switched to
 * audience), "Kicked" (banned or removed through the REST API), "Replaced" (joined again
 * elsewhere), "TokenExpired".
 */
export type RemoteUserLeftReason = 'Quit' | 'ServerTimeOut' | 'BecomeAudience' | 'Kicked' | 'Replaced' | 'TokenExpired';

/** What changed about a remote user, in `user-info-updated`. */
export type UserInfoUpdate = 'mute-audio' | 'unmute-audio' | 'mute-video' | 'unmute-video';

export interface ClientEvents {
  /** A remote user is in the channel (also fired at join for everyone already there). In live mode, only hosts. */
  'user-joined': (user: RemoteUser) => void;
  /** A remote user left; `reason` says why. */
  'user-left': (user: RemoteUser, reason: RemoteUserLeftReason) => void;
  /** A remote user publishes `mediaType` (also fired at join for what is already published): subscribe now to receive it. */
  'user-published': (user: RemoteUser, mediaType: MediaKind) => void;
  /** A remote user stopped publishing `mediaType`; its remote track has stopped and is gone from `user`. */
  'user-unpublished': (user: RemoteUser, mediaType: MediaKind) => void;
  /** A remote user muted or unmuted a published track (setEnabled / setMuted on their side). */
  'user-info-updated': (uid: number | string, message: UserInfoUpdate) => void;
  /** The connection state changed; `reason` is set when the new state is DISCONNECTED. */
  'connection-state-change': (curState: ConnectionState, prevState: ConnectionState, reason?: ConnectionDisconnectedReason) => void;
  /** The token expires in 30 seconds: fetch a new one and call renewToken(). */
  'token-privilege-will-expire': () => void;
  /** The token expired; the server ends the session. */
  'token-privilege-did-expire': () => void;
  /** Something failed outside any call the application made (a renegotiation the server started). */
  exception: (error: Error) => void;
  /** Every 2 s after enableAudioVolumeIndicator(): the level (0–100) of each user heard, the local user included. */
  'volume-indicator': (result: VolumeIndicatorResult[]) => void;
  /**
   * Events of Agora's cloud services (media relay, CDN push, moderation, cloud proxy): accepted so
   * Agora apps register their listeners unchanged; they never fire in Parley (see compat/noops.ts).
   */
  'channel-media-relay-event': (event: unknown) => void;
  'channel-media-relay-state': (state: unknown, code: unknown) => void;
  'content-inspect-connection-state-change': (previous: unknown, current: unknown) => void;
  'content-inspect-error': (error?: unknown) => void;
  'image-moderation-connection-state-change': (current: unknown, previous: unknown) => void;
  'is-using-cloud-proxy': (isUsing: boolean) => void;
  'join-fallback-to-proxy': (proxyServer: string) => void;
  'live-streaming-error': (url: string, error: unknown) => void;
  'live-streaming-warning': (url: string, warning: unknown) => void;
  /** A media connection (publishing or receiving) changed state. */
  'peerconnection-state-change': (curState: RTCPeerConnectionState, revState: RTCPeerConnectionState) => void;
  /** A media connection dropped (ICE disconnected) and the browser tries to restore it. */
  'media-reconnect-start': (uid: number | string) => void;
  /** The dropped media connection works again. */
  'media-reconnect-end': (uid: number | string) => void;
  /** Right after join: the users already publishing (each also gets user-published). */
  'published-user-list': (users: RemoteUser[]) => void;
  /**
   * Received media failed to decrypt (a wrong encryption mode, secret or salt, or altered frames):
   * those frames are dropped. At most once every 5 s. See setEncryptionConfig.
   */
  'crypt-error': () => void;
  /** The layer of `uid`'s dual-stream video received changed (on request or by fallback): 0 high, 1 low. */
  'stream-type-changed': (uid: number | string, streamType: RemoteStreamType) => void;
  /** `uid`'s video stopped because this client's downlink is weak (audio goes on), or came back. */
  'stream-fallback': (uid: number | string, isFallbackOrRecover: 'fallback' | 'recover') => void;
  /** Every 2 s while joined: how well the uplink and downlink carry media, 0 (unknown) to 6 (down). */
  'network-quality': (stats: NetworkQuality) => void;
  /**
   * Another user's sendStreamMessage(). Listening opens the data channel (as sending does); a
   * message sent before this client's channel opened is not delivered to it.
   */
  'stream-message': (uid: number | string, payload: Uint8Array) => void;
  /** Another user's sendMetadata(); listening opens the data channel, as for stream-message. */
  'receive-metadata': (uid: number | string, data: Uint8Array) => void;
}
