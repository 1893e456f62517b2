/**
 * Server-side token verification (agora-compat.md §1.3) for both formats: text checks, certificate
 * lookup by the token's own App ID, constant-time signature check, time checks, and translation into
 * `TokenClaims`.
 *
 * It never throws because of the token: every defect becomes `{ok: false, reason: 'malformed'}`.
 * Errors thrown by `lookupCertificate` itself (a database outage, say) do propagate, because calling
 * that an invalid token would hide an outage behind a wave of 401s.
 */
import { crc32 } from 'node:zlib';
import {
  accessToken2SignatureValid,
  parseAccessToken2,
  RTM_LOGIN_PRIVILEGE,
  RtcPrivilege,
  ServiceType,
} from './accessToken2.ts';
import type { AccessToken2 } from './accessToken2.ts';
import type { Claims006, Claims007, RtcPrivilegeExpiries, RtcPrivilegeName, RtmGrant, TokenClaims } from './claims.ts';
import type { PrivilegeMap } from './codec.ts';
import { isHex32, uidToTokenString } from './identity.ts';
import { Legacy006Privilege, legacy006SignatureValid, parseLegacy006Token } from './legacy006.ts';
import type { Legacy006Token } from './legacy006.ts';
import { MAX_TOKEN_LENGTH, repairTokenText } from './tokenText.ts';

export type VerifyFailureReason = 'malformed' | 'unknown_app' | 'bad_signature' | 'expired' | 'not_yet_valid' | 'lifetime_exceeded';

export type VerifySuccess = { ok: true; claims: TokenClaims };
export type VerifyFailure = { ok: false; reason: VerifyFailureReason; message: string };
export type VerifyResult = VerifySuccess | VerifyFailure;

/** One certificate, or several (primary + secondary) that are each accepted. */
export type CertificateSet = string | readonly string[];

export interface VerifyOptions {
  /** Returns the App Certificate(s) for an App ID, or undefined/null when the app is unknown. */
  lookupCertificate: (
    appId: string,
  ) => CertificateSet | undefined | null | Promise<CertificateSet | undefined | null>;
  /** Current time in unix seconds; defaults to the clock. */
  now?: number;
  /**
   * Longest lifetime honoured. 007 tokens with a longer `expire` are capped to it; 006 tokens, which
   * carry no issue time to cap from, are refused when they expire further than this from now.
   * Default 86 400.
   */
  maxLifetimeSeconds?: number;
  /** How far in the future a 007 issueTs may be. Default 300. */
  maxClockSkewSeconds?: number;
  /**
   * The channel and uid the token is presented for. Required for 006 tokens, whose signature covers
   * them but which carry only their CRCs; ignored for 007 (use `rtcGrantFor` on the claims).
   * For a 006 RTM token pass the user account as `channel` and "" as `uid`.
   */
  channel?: string;
  uid?: number | string;
}

const DEFAULT_MAX_LIFETIME = 86_400;
const DEFAULT_MAX_CLOCK_SKEW = 300;

const RTC_PRIVILEGE_NAMES: ReadonlyArray<readonly [number, RtcPrivilegeName]> = [
  [RtcPrivilege.joinChannel, 'joinChannel'],
  [RtcPrivilege.publishAudioStream, 'publishAudio'],
  [RtcPrivilege.publishVideoStream, 'publishVideo'],
  [RtcPrivilege.publishDataStream, 'publishData'],
];

function fail(reason: VerifyFailureReason, message: string): VerifyFailure {
  return { ok: false, reason, message };
}

async function certificatesFor(appId: string, options: VerifyOptions): Promise<string[]> {
  const found = await options.lookupCertificate(appId);
  if (found === undefined || found === null) return [];
  const list: readonly unknown[] = typeof found === 'string' ? [found] : found;
  return list.filter((cert): cert is string => typeof cert === 'string' && cert.length > 0);
}

/**
 * Whether any of the certificates made the signature. Each is checked (each check is constant-time),
 * so the time taken does not tell which certificate of a rotation signed it, or whether any did.
 */
function signedByAny(certificates: readonly string[], signed: (certificate: string) => boolean): boolean {
  let any = false;
  for (const certificate of certificates) any = signed(certificate) || any;
  return any;
}

/** Verifies a 007 or 006 token and returns what it grants. See `VerifyOptions` for 006 needs. */
export async function verifyToken(token: string, options: VerifyOptions): Promise<VerifyResult> {
  if (typeof token !== 'string' || token.length === 0) return fail('malformed', 'token is empty');
  if (token.length > MAX_TOKEN_LENGTH) {
    return fail('malformed', `token is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  const policy = readPolicy(options);
  const text = repairTokenText(token);
  if (text.startsWith('007')) return verify007(text, options, policy);
  if (text.startsWith('006')) return verify006(text, options, policy);
  return fail('malformed', 'token version is neither 007 nor 006');
}

interface TimePolicy {
  now: number;
  maxLifetime: number;
  maxClockSkew: number;
}

/**
 * Resolves the time options. A NaN here (say, from an unparsed environment variable) would make
 * every comparison false and tokens immortal, so bad values throw rather than pass silently.
 */
function readPolicy(options: VerifyOptions): TimePolicy {
  const policy = {
    now: options.now ?? Math.floor(Date.now() / 1000),
    maxLifetime: options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME,
    maxClockSkew: options.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW,
  };
  if (!Number.isFinite(policy.now)) throw new RangeError(`now must be a finite number, got ${policy.now}`);
  for (const [name, value] of [
    ['maxLifetimeSeconds', policy.maxLifetime],
    ['maxClockSkewSeconds', policy.maxClockSkew],
  ] as const) {
    if (Number.isNaN(value) || value < 0) throw new RangeError(`${name} must be a number ≥ 0, got ${value}`);
  }
  return policy;
}

// ---- 007 ---------------------------------------------------------------------------------------

async function verify007(text: string, options: VerifyOptions, policy: TimePolicy): Promise<VerifyResult> {
  let parsed: AccessToken2;
  try {
    parsed = parseAccessToken2(text);
  } catch (error) {
    return fail('malformed', (error as Error).message);
  }
  // Refuse odd App IDs before they reach the lookup (which may be a database query).
  if (!isHex32(parsed.appId)) return fail('malformed', 'App ID in token is not 32 hex characters');

  const certificates = await certificatesFor(parsed.appId, options);
  if (certificates.length === 0) return fail('unknown_app', `unknown App ID ${parsed.appId}`);
  if (!signedByAny(certificates, (cert) => accessToken2SignatureValid(parsed, cert))) {
    return fail('bad_signature', 'signature does not match the App Certificate');
  }

  const { now, maxClockSkew, maxLifetime } = policy;
  if (parsed.issueTs > now + maxClockSkew) {
    return fail('not_yet_valid', `token issued at ${parsed.issueTs}, more than ${maxClockSkew}s after now (${now})`);
  }
  // Capping turns a mistaken absolute timestamp in `expire` into an ordinary long-lived token.
  const expiresAt = parsed.issueTs + Math.min(parsed.expire, maxLifetime);
  if (now >= expiresAt) return fail('expired', `token expired at ${expiresAt}`);

  return { ok: true, claims: claims007(parsed, expiresAt) };
}

/** v = 0 means "until the token expires"; v > 0 lapses v seconds after issue, never after the token. */
function relativeExpiry(value: number, issueTs: number, tokenExpiresAt: number): number {
  return value === 0 ? tokenExpiresAt : Math.min(issueTs + value, tokenExpiresAt);
}

function rtcExpiries(privileges: PrivilegeMap, toExpiry: (value: number) => number): RtcPrivilegeExpiries {
  const out: RtcPrivilegeExpiries = {};
  for (const [id, name] of RTC_PRIVILEGE_NAMES) {
    const value = privileges[id];
    if (value !== undefined) out[name] = toExpiry(value);
  }
  return out;
}

function claims007(parsed: AccessToken2, expiresAt: number): Claims007 {
  const toExpiry = (value: number): number => relativeExpiry(value, parsed.issueTs, expiresAt);
  const claims: Claims007 = {
    version: '007',
    appId: parsed.appId,
    issueTs: parsed.issueTs,
    expire: parsed.expire,
    salt: parsed.salt,
    expiresAt,
    rtc: [],
    services: parsed.services,
  };
  for (const service of parsed.services) {
    if (service.type === ServiceType.rtc) {
      claims.rtc.push({
        channel: service.channelName,
        uid: service.uid,
        privileges: rtcExpiries(service.privileges, toExpiry),
      });
    } else if (
      (service.type === ServiceType.rtm || service.type === ServiceType.rtm2) &&
      claims.rtm === undefined
    ) {
      const rtm: RtmGrant = { userId: service.userId };
      const login = service.privileges[RTM_LOGIN_PRIVILEGE];
      if (login !== undefined) rtm.loginExpiresAt = toExpiry(login);
      claims.rtm = rtm;
    }
  }
  return claims;
}

// ---- 006 ---------------------------------------------------------------------------------------

async function verify006(text: string, options: VerifyOptions, policy: TimePolicy): Promise<VerifyResult> {
  let parsed: Legacy006Token;
  try {
    parsed = parseLegacy006Token(text);
  } catch (error) {
    return fail('malformed', (error as Error).message);
  }

  const certificates = await certificatesFor(parsed.appId, options);
  if (certificates.length === 0) return fail('unknown_app', `unknown App ID ${parsed.appId}`);

  const { channel, uid } = options;
  if (channel === undefined || uid === undefined) {
    return fail('bad_signature', 'a 006 token can only be verified with the channel and uid it is used for');
  }
  if (parsed.channelCrc !== crc32(channel)) {
    return fail('bad_signature', '006 token was not issued for this channel');
  }
  // The token was signed either for this exact uid or for "" (any uid); try both, exact first.
  const wanted = uidToTokenString(uid);
  const candidates = wanted === '' ? [''] : [wanted, ''];
  const signedUid = candidates.find((candidate) =>
    signedByAny(certificates, (cert) => legacy006SignatureValid(parsed, cert, channel, candidate)),
  );
  if (signedUid === undefined) {
    return fail('bad_signature', '006 signature does not match this App Certificate, channel and uid');
  }

  // 006 has no issue time, only its expiry `ts`. A token cannot have been issued in the future, so one
  // that expires more than the cap (plus clock skew) from now claims a lifetime over the cap: refused,
  // as capping it would need the issue time. Agora's 006 builders stamp "now + 24 h", within the default.
  const { now, maxLifetime, maxClockSkew } = policy;
  if (now >= parsed.ts) return fail('expired', `token expired at ${parsed.ts}`);
  if (parsed.ts > now + maxLifetime + maxClockSkew) {
    return fail('lifetime_exceeded', `006 token expires at ${parsed.ts}, more than the longest accepted lifetime (${maxLifetime} s) from now`);
  }
  return { ok: true, claims: claims006(parsed, channel, signedUid) };
}

/** 006 values are absolute; 0 means "no separate limit", so the message expiry applies. */
function absoluteExpiry(value: number, tokenExpiresAt: number): number {
  return value === 0 ? tokenExpiresAt : Math.min(value, tokenExpiresAt);
}

function claims006(parsed: Legacy006Token, channel: string, uid: string): Claims006 {
  const toExpiry = (value: number): number => absoluteExpiry(value, parsed.ts);
  const claims: Claims006 = {
    version: '006',
    appId: parsed.appId,
    salt: parsed.salt,
    channelCrc: parsed.channelCrc,
    uidCrc: parsed.uidCrc,
    expiresAt: parsed.ts,
    rtc: [],
  };
  const privileges = rtcExpiries(parsed.privileges, toExpiry);
  if (Object.keys(privileges).length > 0) claims.rtc.push({ channel, uid, privileges });
  const login = parsed.privileges[Legacy006Privilege.rtmLogin];
  // The 006 RTM builder signs the user account in the channel slot.
  if (login !== undefined) claims.rtm = { userId: channel, loginExpiresAt: toExpiry(login) };
  return claims;
}
