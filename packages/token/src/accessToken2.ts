/**
 * The AccessToken2 ("007") wire format: service layouts, building, parsing and the signature.
 *
 *   "007" + base64(zlib(bytes(signature) || signingInfo))
 *   signingInfo = string(appId) u32(issueTs) u32(expire) u32(salt) u16(count) service*
 *
 * This file knows bytes, not policy: time checks, lifetime caps and certificate lookup live in
 * verify.ts. See agora-compat.md §1.1.
 */
import { createHmac, createSecretKey, randomInt, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { ByteReader, ByteWriter, TokenFormatError } from './codec.ts';
import type { PrivilegeMap } from './codec.ts';
import { isAgoraId } from './identity.ts';
import { decodeStrictBase64, MAX_INFLATED_BYTES } from './tokenText.ts';

export const VERSION_007 = '007';

/** Service type numbers as they appear on the wire. */
export const ServiceType = {
  rtc: 1,
  rtm: 2,
  streaming: 3,
  fpa: 4,
  chat: 5,
  fcdn: 6,
  apaas: 7,
  rtm2: 8,
  convoAi: 9,
  stt: 10,
} as const;

/** RTC privilege ids (service type 1). */
export const RtcPrivilege = {
  joinChannel: 1,
  publishAudioStream: 2,
  publishVideoStream: 3,
  publishDataStream: 4,
} as const;

/** RTM / RTM2 login privilege id (service types 2 and 8). */
export const RTM_LOGIN_PRIVILEGE = 1;

export interface RtcService {
  type: 1;
  privileges: PrivilegeMap;
  channelName: string;
  /** Decimal uid, account string, or "" (any uid). */
  uid: string;
}
export interface RtmService {
  type: 2;
  privileges: PrivilegeMap;
  userId: string;
}
export interface StreamingService {
  type: 3;
  privileges: PrivilegeMap;
  channelName: string;
  account: string;
}
export interface FpaService {
  type: 4;
  privileges: PrivilegeMap;
}
export interface ChatService {
  type: 5;
  privileges: PrivilegeMap;
  userId: string;
}
export interface FcdnService {
  type: 6;
  privileges: PrivilegeMap;
  channelName: string;
  account: string;
}
export interface ApaasService {
  type: 7;
  privileges: PrivilegeMap;
  roomUuid: string;
  userUuid: string;
  role: number;
}
/** RTM2 resource permissions: resource type → permission type → resource names. */
export interface Rtm2ResourcePermissions {
  resourceType: number;
  permissions: Array<{ permissionType: number; resources: string[] }>;
}
export interface Rtm2Service {
  type: 8;
  privileges: PrivilegeMap;
  userId: string;
  resources: Rtm2ResourcePermissions[];
}
export interface ConvoAiService {
  type: 9;
  privileges: PrivilegeMap;
}
export interface SttService {
  type: 10;
  privileges: PrivilegeMap;
}

export type Service =
  | RtcService
  | RtmService
  | StreamingService
  | FpaService
  | ChatService
  | FcdnService
  | ApaasService
  | Rtm2Service
  | ConvoAiService
  | SttService;

/** A parsed 007 token. `signingInfo` holds the exact signed bytes, never a re-encoding. */
export interface AccessToken2 {
  signature: Buffer;
  signingInfo: Buffer;
  appId: string;
  issueTs: number;
  /** Lifetime in seconds relative to issueTs, as written (uncapped). */
  expire: number;
  salt: number;
  /** The service count the header announced; may exceed `services.length` (see below). */
  serviceCount: number;
  services: Service[];
  /** Set when parsing stopped at a service type this library does not know. */
  unknownServiceType?: number;
  /** Signed bytes left after the last parsed service. */
  trailingBytes: number;
}

// ---- services ↔ bytes -------------------------------------------------------------------------

function writeService(writer: ByteWriter, service: Service): void {
  writer.u16(service.type).privileges(service.privileges);
  switch (service.type) {
    case 1:
      writer.string(service.channelName).string(service.uid);
      return;
    case 2:
    case 5:
      writer.string(service.userId);
      return;
    case 3:
    case 6:
      writer.string(service.channelName).string(service.account);
      return;
    case 7:
      writer.string(service.roomUuid).string(service.userUuid).i16(service.role);
      return;
    case 8: {
      writer.string(service.userId);
      const byType = [...service.resources].sort((a, b) => a.resourceType - b.resourceType);
      writer.u16(byType.length);
      for (const resource of byType) {
        const perms = [...resource.permissions].sort((a, b) => a.permissionType - b.permissionType);
        writer.u16(resource.resourceType).u16(perms.length);
        for (const perm of perms) {
          writer.u16(perm.permissionType).u16(perm.resources.length);
          for (const name of perm.resources) writer.string(name);
        }
      }
      return;
    }
    case 4:
    case 9:
    case 10:
      return;
  }
}

/** Reads one service body after its type; returns undefined for a type whose layout is unknown. */
function readService(reader: ByteReader, type: number): Service | undefined {
  // Fields are read in wire order; object literals evaluate left to right.
  switch (type) {
    case 1: {
      const privileges = reader.privileges();
      return { type: 1, privileges, channelName: reader.string(), uid: reader.string() };
    }
    case 2:
      return { type: 2, privileges: reader.privileges(), userId: reader.string() };
    case 3: {
      const privileges = reader.privileges();
      return { type: 3, privileges, channelName: reader.string(), account: reader.string() };
    }
    case 4:
      return { type: 4, privileges: reader.privileges() };
    case 5:
      return { type: 5, privileges: reader.privileges(), userId: reader.string() };
    case 6: {
      const privileges = reader.privileges();
      return { type: 6, privileges, channelName: reader.string(), account: reader.string() };
    }
    case 7: {
      const privileges = reader.privileges();
      return {
        type: 7,
        privileges,
        roomUuid: reader.string(),
        userUuid: reader.string(),
        role: reader.i16(),
      };
    }
    case 8: {
      const privileges = reader.privileges();
      const userId = reader.string();
      return { type: 8, privileges, userId, resources: readRtm2Resources(reader) };
    }
    case 9:
      return { type: 9, privileges: reader.privileges() };
    case 10:
      return { type: 10, privileges: reader.privileges() };
    default:
      return undefined;
  }
}

function readRtm2Resources(reader: ByteReader): Rtm2ResourcePermissions[] {
  const resources: Rtm2ResourcePermissions[] = [];
  const typeCount = reader.u16();
  for (let i = 0; i < typeCount; i++) {
    const resourceType = reader.u16();
    const permissions: Rtm2ResourcePermissions['permissions'] = [];
    const permCount = reader.u16();
    for (let j = 0; j < permCount; j++) {
      const permissionType = reader.u16();
      const names: string[] = [];
      const nameCount = reader.u16();
      for (let k = 0; k < nameCount; k++) names.push(reader.string());
      permissions.push({ permissionType, resources: names });
    }
    resources.push({ resourceType, permissions });
  }
  return resources;
}

// ---- signature ---------------------------------------------------------------------------------

function u32le(value: number): Buffer {
  return new ByteWriter().u32(value).toBuffer();
}

/**
 * signingKey = HMAC(u32le(salt), HMAC(u32le(issueTs), certificate)). The timestamp and salt are the
 * HMAC *keys* and the certificate is hashed as its ASCII text, not hex-decoded (§1.1).
 */
export function deriveSigningKey(appCertificate: string, issueTs: number, salt: number): Buffer {
  const k1 = hmacSha256(u32le(issueTs)).update(appCertificate, 'utf8').digest();
  return hmacSha256(u32le(salt)).update(k1).digest();
}

/**
 * An HMAC keyed with a KeyObject: given a Buffer, Node 24's createHmac first tests whether it is a
 * KeyObject and then a CryptoKey, each test throwing and catching an exception, which makes one
 * HMAC about 11 µs instead of about 4.5 (three of them check every token).
 */
function hmacSha256(key: Buffer) {
  return createHmac('sha256', createSecretKey(key));
}

export function computeSignature(
  appCertificate: string,
  issueTs: number,
  salt: number,
  signingInfo: Uint8Array,
): Buffer {
  return hmacSha256(deriveSigningKey(appCertificate, issueTs, salt)).update(signingInfo).digest();
}

/** Constant-time check of a parsed token's signature against one certificate. */
export function accessToken2SignatureValid(token: AccessToken2, appCertificate: string): boolean {
  const expected = computeSignature(appCertificate, token.issueTs, token.salt, token.signingInfo);
  // The length is public (it is in the token), so checking it first leaks nothing.
  return token.signature.length === expected.length && timingSafeEqual(token.signature, expected);
}

// ---- build -------------------------------------------------------------------------------------

export interface BuildAccessToken2Input {
  appId: string;
  appCertificate: string;
  /** Token lifetime in seconds, relative to issueTs. */
  expire: number;
  /** Unix seconds; defaults to now. */
  issueTs?: number;
  /** 1..99 999 999; defaults to a random value in that range, as the official builders do. */
  salt?: number;
  services: readonly Service[];
}

/**
 * Builds a 007 token. Like agora-token's `build()`, returns "" when the App ID or certificate is not
 * a valid ID or when there is no service, so a misconfigured caller sees the same symptom as with
 * Agora's builders. Throws RangeError for a number that does not fit its field (a negative or
 * fractional expire, say), as agora-token's buffer writes do.
 */
export function buildAccessToken2(input: BuildAccessToken2Input): string {
  if (!isAgoraId(input.appId) || !isAgoraId(input.appCertificate) || input.services.length === 0) {
    return '';
  }
  const issueTs = input.issueTs ?? Math.floor(Date.now() / 1000);
  const salt = input.salt ?? randomInt(1, 100_000_000);

  // Array.prototype.sort is stable, so services of the same type keep their insertion order (2.0.6).
  const services = [...input.services].sort((a, b) => a.type - b.type);
  const info = new ByteWriter()
    .string(input.appId)
    .u32(issueTs)
    .u32(input.expire)
    .u32(salt)
    .u16(services.length);
  for (const service of services) writeService(info, service);
  const signingInfo = info.toBuffer();

  const signature = computeSignature(input.appCertificate, issueTs, salt, signingInfo);
  const content = Buffer.concat([new ByteWriter().bytes(signature).toBuffer(), signingInfo]);
  // Default zlib settings reproduce agora-token's output byte for byte; any other level would still
  // verify but would no longer match its token strings.
  return VERSION_007 + deflateSync(content).toString('base64');
}

// ---- parse -------------------------------------------------------------------------------------

/** Parses the inflated content (signature field + signingInfo). Throws TokenFormatError. */
export function parseAccessToken2Content(content: Buffer): AccessToken2 {
  const outer = new ByteReader(content);
  const signature = outer.bytes();
  const signingInfo = outer.rest();

  const reader = new ByteReader(signingInfo);
  const appId = reader.string();
  const issueTs = reader.u32();
  const expire = reader.u32();
  const salt = reader.u32();
  const serviceCount = reader.u16();
  const services: Service[] = [];
  let unknownServiceType: number | undefined;
  for (let i = 0; i < serviceCount; i++) {
    const type = reader.u16();
    const service = readService(reader, type);
    if (service === undefined) {
      // Each type has its own layout, so nothing after an unknown one can be located. Agora's
      // parsers stop here too and still treat the token as parsed; the signature covers it all.
      unknownServiceType = type;
      break;
    }
    services.push(service);
  }
  const trailingBytes = unknownServiceType === undefined ? reader.remaining : 0;

  const token: AccessToken2 = {
    signature: Buffer.from(signature),
    signingInfo: Buffer.from(signingInfo),
    appId,
    issueTs,
    expire,
    salt,
    serviceCount,
    services,
    trailingBytes,
  };
  if (unknownServiceType !== undefined) token.unknownServiceType = unknownServiceType;
  return token;
}

/** Inflates a 007 token body with a size cap. Throws TokenFormatError. */
export function inflateAccessToken2(token: string): Buffer {
  if (!token.startsWith(VERSION_007)) {
    throw new TokenFormatError('not a 007 token');
  }
  const compressed = decodeStrictBase64(token.slice(VERSION_007.length));
  let inflated: InflateWithInfo;
  try {
    // maxOutputLength makes a zip bomb fail fast instead of allocating its full inflated size.
    // `info` exposes how much input the stream consumed (the types only declare the Buffer form).
    inflated = inflateSync(compressed, {
      maxOutputLength: MAX_INFLATED_BYTES,
      info: true,
    }) as unknown as InflateWithInfo;
  } catch (error) {
    throw new TokenFormatError(`token body does not inflate: ${(error as Error).message}`);
  }
  // zlib stops at the end of its stream and ignores whatever follows; refusing those bytes keeps
  // each token to one spelling instead of infinitely many with junk appended.
  if (inflated.engine.bytesWritten !== compressed.length) {
    throw new TokenFormatError('unexpected bytes after the compressed token body');
  }
  return inflated.buffer;
}

interface InflateWithInfo {
  buffer: Buffer;
  engine: { bytesWritten: number };
}

/** Parses a 007 token string (prefix, strict base64, zlib, fields). Throws TokenFormatError. */
export function parseAccessToken2(token: string): AccessToken2 {
  return parseAccessToken2Content(inflateAccessToken2(token));
}
