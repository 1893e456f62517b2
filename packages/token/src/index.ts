/**
 * @parley/token: Agora-compatible access tokens. Build 007 RTC tokens, verify 007 and legacy 006
 * tokens, and ask verified claims what they grant. Low-level format functions are exported for
 * tools and tests that need exact bytes.
 */
export { buildRtcToken } from './rtc.ts';
export type { BuildRtcTokenInput, RtcRole } from './rtc.ts';

export { verifyToken } from './verify.ts';
export type {
  CertificateSet,
  VerifyFailure,
  VerifyFailureReason,
  VerifyOptions,
  VerifyResult,
  VerifySuccess,
} from './verify.ts';

export { privilegeActive, rtcGrantFor } from './claims.ts';
export type {
  Claims006,
  Claims007,
  RtcGrant,
  RtcPrivilegeExpiries,
  RtcPrivilegeName,
  RtmGrant,
  TokenClaims,
} from './claims.ts';

export { isAgoraId, uidToTokenString } from './identity.ts';

export {
  accessToken2SignatureValid,
  buildAccessToken2,
  computeSignature,
  deriveSigningKey,
  parseAccessToken2,
  RTM_LOGIN_PRIVILEGE,
  RtcPrivilege,
  ServiceType,
} from './accessToken2.ts';
export type { AccessToken2, BuildAccessToken2Input, Service } from './accessToken2.ts';

export {
  buildLegacy006Token,
  Legacy006Privilege,
  legacy006SignatureValid,
  parseLegacy006Token,
} from './legacy006.ts';
export type { BuildLegacy006Input, Legacy006Token } from './legacy006.ts';

export { TokenFormatError } from './codec.ts';
export type { PrivilegeMap } from './codec.ts';
export { MAX_INFLATED_BYTES, MAX_TOKEN_LENGTH } from './tokenText.ts';
