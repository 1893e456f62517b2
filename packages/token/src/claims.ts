/**
 * What a verified token grants, in one shape for both formats, and the two questions a server asks
 * of it: "which grant covers this channel and uid?" and "is this privilege still active?".
 *
 * Every expiry here is absolute unix seconds, already capped by the token's own expiry, so callers
 * never redo the relative/absolute arithmetic that differs between 007 and 006.
 */
import type { Service } from './accessToken2.ts';
import { uidToTokenString } from './identity.ts';

export type RtcPrivilegeName = 'joinChannel' | 'publishAudio' | 'publishVideo' | 'publishData';

/** Privilege name → the unix second it lapses at. A missing key means the privilege is not granted. */
export type RtcPrivilegeExpiries = Partial<Record<RtcPrivilegeName, number>>;

export interface RtcGrant {
  channel: string;
  /** Decimal uid, account string, or "" (any uid may join with it). */
  uid: string;
  privileges: RtcPrivilegeExpiries;
}

export interface RtmGrant {
  userId: string;
  /** Absent when the service carries no login privilege. */
  loginExpiresAt?: number;
}

interface ClaimsBase {
  appId: string;
  /** The unix second the token stops being valid (007: issueTs + min(expire, cap); 006: ts). */
  expiresAt: number;
  rtc: RtcGrant[];
  rtm?: RtmGrant;
}

export interface Claims007 extends ClaimsBase {
  version: '007';
  issueTs: number;
  /** Lifetime as written in the token, before the cap. */
  expire: number;
  salt: number;
  /** Every parsed service, including kinds this package does not interpret (chat, APaaS, …). */
  services: Service[];
}

export interface Claims006 extends ClaimsBase {
  version: '006';
  /** 006 tokens carry no issue time. */
  issueTs?: undefined;
  salt: number;
  channelCrc: number;
  uidCrc: number;
}

export type TokenClaims = Claims007 | Claims006;

/**
 * The RTC grant that lets `uid` act in `channel`, or undefined. A grant matches when its channel is
 * equal and its uid is "" (wildcard) or equal to the uid string (number 0 → "", accounts verbatim).
 * An exact-uid grant wins over a wildcard one when a token carries both.
 *
 * For 006 tokens, `claims.rtc` only ever holds the channel and uid the token was verified for, so
 * this works the same for both formats.
 */
export function rtcGrantFor(claims: TokenClaims, channel: string, uid: number | string): RtcGrant | undefined {
  const wanted = uidToTokenString(uid);
  let wildcard: RtcGrant | undefined;
  for (const grant of claims.rtc) {
    if (grant.channel !== channel) continue;
    if (grant.uid === wanted) return grant;
    if (grant.uid === '' && wildcard === undefined) wildcard = grant;
  }
  return wildcard;
}

/** True when the grant holds `privilege` and it has not lapsed at `now` (unix seconds). */
export function privilegeActive(
  grant: RtcGrant | undefined,
  privilege: RtcPrivilegeName,
  now: number = Math.floor(Date.now() / 1000),
): boolean {
  const expiresAt = grant?.privileges[privilege];
  return expiresAt !== undefined && now < expiresAt;
}
