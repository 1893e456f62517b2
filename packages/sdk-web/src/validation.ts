/**
 * Checks of what users pass to join(), made before anything touches the network, so a typo is an
 * INVALID_PARAMS error with the rule spelled out rather than a server refusal.
 */
import { invalidParams } from './errors.ts';
import { VIDEO_CODECS, type VideoCodec } from './rtc/videoCodec.ts';
import { APP_ID_PATTERN, CHANNEL_NAME_PATTERN, MAX_UINT32, STRING_UID_MAX_LENGTH, STRING_UID_PATTERN } from './protocolConstants.ts';

const CHANNEL_NAME = new RegExp(CHANNEL_NAME_PATTERN);
const STRING_UID = new RegExp(STRING_UID_PATTERN);
const APP_ID = new RegExp(APP_ID_PATTERN);

export const CHANNEL_NAME_RULE =
  'Channel names are 1-63 characters from a-z A-Z 0-9 space ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,';

export function checkAppId(appId: unknown): string {
  if (typeof appId !== 'string' || !APP_ID.test(appId)) {
    throw invalidParams('appId must be the project\'s App ID: 32 lowercase hexadecimal characters', { field: 'appId' });
  }
  return appId;
}

export function checkChannelName(channel: unknown): string {
  if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) {
    throw invalidParams(`Invalid channel name. ${CHANNEL_NAME_RULE}`, { field: 'channel' });
  }
  return channel;
}

export function checkToken(token: unknown): string {
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) {
    throw invalidParams('token must be a non-empty string (an AccessToken2 made by your backend)', { field: 'token' });
  }
  return token;
}

/**
 * The token to join with: null or '' join without one, as Agora allows for a project in testing
 * mode (the server refuses with invalid_token when the project requires tokens).
 */
export function checkJoinToken(token: unknown): string | undefined {
  return token === null || token === '' ? undefined : checkToken(token);
}

/** A uid to join with; `undefined` lets the server choose a numeric one. */
export function checkUid(uid: unknown): number | string | undefined {
  if (uid === undefined || uid === null || uid === 0) return undefined;
  if (typeof uid === 'number') {
    if (!Number.isInteger(uid) || uid < 0 || uid > MAX_UINT32) throw invalidParams('A numeric uid must be an integer from 1 to 2^32-1', { field: 'uid' });
    return uid;
  }
  if (typeof uid === 'string' && uid.length >= 1 && uid.length <= STRING_UID_MAX_LENGTH && STRING_UID.test(uid)) return uid;
  throw invalidParams(`A string uid must be 1-${STRING_UID_MAX_LENGTH} characters from the channel-name alphabet`, { field: 'uid' });
}

/** Agora's `ClientConfig.codec`; default VP8. */
export function checkCodec(codec: unknown): VideoCodec {
  if (codec === undefined) return 'vp8';
  if (!VIDEO_CODECS.includes(codec as VideoCodec)) throw invalidParams(`codec must be one of ${VIDEO_CODECS.map((c) => `"${c}"`).join(', ')}`, { field: 'codec' });
  return codec as VideoCodec;
}
