/**
 * The protocol values the SDK needs at run time, from the protocol package's TypeBox-free
 * constants module (so the schema library stays out of the browser bundle).
 */
export {
  CHANNEL_NAME_PATTERN,
  FORWARDED_H264_PROFILES,
  HEX32_PATTERN as APP_ID_PATTERN,
  KEEPALIVE_INTERVAL_MS,
  LeaveReason,
  MAX_UINT32,
  RemoteStreamFallbackType,
  RemoteStreamType,
  RESUME_WINDOW_MS,
  SIGNALING_CLOSE_CODES,
  SIGNALING_ALTERNATE_REPLIES,
  SIGNALING_PATH,
  SIGNALING_REPLY_TYPES,
  SIMULCAST_RIDS,
  STRING_UID_MAX_LENGTH,
  STRING_UID_PATTERN,
} from '@parley/protocol/constants';
