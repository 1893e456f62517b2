/**
 * The few values of the signaling protocol (packages/protocol/src/rtc/signaling.ts) the SDK needs
 * at run time. They are copied, not imported, because importing @parley/protocol's values would
 * pull TypeBox into the browser bundle; protocolConstants.test.ts fails the moment the copies drift.
 * Types come from the protocol with `import type`, which costs nothing in the bundle.
 */

export const SIGNALING_PATH = '/v1/rtc';
export const RESUME_WINDOW_MS = 20_000;
export const KEEPALIVE_INTERVAL_MS = 5_000;

/** Agora's channel-name rule: 1-63 characters from a-z A-Z 0-9 space ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , */
export const CHANNEL_NAME_PATTERN = '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]{1,63}$';
/** A string uid (user account): 1-255 characters of the channel-name alphabet. */
export const STRING_UID_PATTERN = '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]+$';
export const STRING_UID_MAX_LENGTH = 255;
export const APP_ID_PATTERN = '^[0-9a-f]{32}$';
export const MAX_UINT32 = 4294967295;

/** Agora's leave reasons, as the server sends them in `user-left` and `kicked`. */
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
