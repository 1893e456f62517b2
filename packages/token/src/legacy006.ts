/**
 * The legacy AccessToken ("006") wire format: building, parsing and signature checking.
 *
 *   "006" + appId + base64(bytes(signature) u32(crc32(channel)) u32(crc32(uid)) bytes(m))
 *   m         = u32(salt) u32(ts) map(privileges)
 *   signature = HMAC-SHA256(key = appCertificate, appId || channel || uid || m)
 *
 * The token carries only CRCs of the channel and uid, so it can be checked only by someone who
 * already knows which channel and uid it is presented for. See agora-compat.md §1.2.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { ByteReader, ByteWriter, TokenFormatError } from './codec.ts';
import type { PrivilegeMap } from './codec.ts';
import { isAgoraId, isHex32, uidToTokenString } from './identity.ts';
import { decodeStrictBase64 } from './tokenText.ts';

export const VERSION_006 = '006';
const APP_ID_LENGTH = 32;

/** 006 privilege ids. Values in a 006 token are absolute unix timestamps; 0 means no limit. */
export const Legacy006Privilege = {
  joinChannel: 1,
  publishAudioStream: 2,
  publishVideoStream: 3,
  publishDataStream: 4,
  /** RTM login; the 006 RTM builder puts the user account in the channel slot with an empty uid. */
  rtmLogin: 1000,
} as const;

/** A parsed 006 token. `message` holds the exact signed `m` bytes. */
export interface Legacy006Token {
  appId: string;
  signature: Buffer;
  channelCrc: number;
  uidCrc: number;
  message: Buffer;
  salt: number;
  /** Message expiry, absolute unix seconds (builders set it to build time + 24 h). */
  ts: number;
  privileges: Record<number, number>;
}

export interface BuildLegacy006Input {
  appId: string;
  appCertificate: string;
  channel: string;
  /** Numeric uid (0 → "", any uid) or account string. */
  uid: number | string;
  /** Privilege id → absolute unix expiry (0 = no limit). */
  privileges: PrivilegeMap;
  /** Random u32 by default. */
  salt?: number;
  /** Message expiry in unix seconds; defaults to now + 24 h like the official builders. */
  ts?: number;
}

function signMessage(appCertificate: string, appId: string, channel: string, uid: string, m: Buffer): Buffer {
  return createHmac('sha256', appCertificate)
    .update(Buffer.concat([Buffer.from(appId, 'utf8'), Buffer.from(channel, 'utf8'), Buffer.from(uid, 'utf8'), m]))
    .digest();
}

/** Builds a 006 token; returns "" for an invalid App ID or certificate, like the 007 builder. */
export function buildLegacy006Token(input: BuildLegacy006Input): string {
  if (!isAgoraId(input.appId) || !isAgoraId(input.appCertificate)) return '';
  const uid = uidToTokenString(input.uid);
  const salt = input.salt ?? randomInt(0, 0x1_0000_0000);
  const ts = input.ts ?? Math.floor(Date.now() / 1000) + 24 * 3600;

  const m = new ByteWriter().u32(salt).u32(ts).privileges(input.privileges).toBuffer();
  const signature = signMessage(input.appCertificate, input.appId, input.channel, uid, m);
  const content = new ByteWriter()
    .bytes(signature)
    .u32(crc32(input.channel))
    .u32(crc32(uid))
    .bytes(m)
    .toBuffer();
  return VERSION_006 + input.appId + content.toString('base64');
}

/** Parses a 006 token string. Throws TokenFormatError. */
export function parseLegacy006Token(token: string): Legacy006Token {
  if (!token.startsWith(VERSION_006)) throw new TokenFormatError('not a 006 token');
  const appId = token.slice(VERSION_006.length, VERSION_006.length + APP_ID_LENGTH);
  if (!isHex32(appId)) throw new TokenFormatError('006 token does not start with a 32-hex App ID');
  const content = decodeStrictBase64(token.slice(VERSION_006.length + APP_ID_LENGTH));

  const reader = new ByteReader(content);
  const signature = Buffer.from(reader.bytes());
  const channelCrc = reader.u32();
  const uidCrc = reader.u32();
  const message = Buffer.from(reader.bytes());
  // Bytes after `m` are outside the signature, so accepting them would let anyone append data.
  if (reader.remaining !== 0) throw new TokenFormatError('unexpected bytes after the 006 message');

  const m = new ByteReader(message);
  const salt = m.u32();
  const ts = m.u32();
  const privileges = m.privileges();
  return { appId, signature, channelCrc, uidCrc, message, salt, ts, privileges };
}

/** True when the token's CRCs fit this channel and uid string (a cheap pre-check, not proof). */
export function legacy006Fits(token: Legacy006Token, channel: string, uid: string): boolean {
  return token.channelCrc === crc32(channel) && token.uidCrc === crc32(uid);
}

/**
 * Full 006 check for one certificate and one (channel, uid string): CRCs, then the HMAC in
 * constant time.
 */
export function legacy006SignatureValid(
  token: Legacy006Token,
  appCertificate: string,
  channel: string,
  uid: string,
): boolean {
  if (!legacy006Fits(token, channel, uid)) return false;
  const expected = signMessage(appCertificate, token.appId, channel, uid, token.message);
  return token.signature.length === expected.length && timingSafeEqual(token.signature, expected);
}
