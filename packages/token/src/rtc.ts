/**
 * The RTC token builder most callers want: one channel, one uid or account, a role. Produces the
 * same bytes as agora-token's `RtcTokenBuilder.buildTokenWithUid` / `buildTokenWithUserAccount`
 * given the same issueTs and salt.
 */
import { buildAccessToken2, RtcPrivilege } from './accessToken2.ts';
import { uidToTokenString } from './identity.ts';

export type RtcRole = 'publisher' | 'subscriber';

export interface BuildRtcTokenInput {
  appId: string;
  appCertificate: string;
  channel: string;
  /** Numeric uid (0 → any uid may use the token) or a user account string. */
  uid: number | string;
  /** Publishers get join + publish audio/video/data; subscribers only join. */
  role: RtcRole;
  /** Token lifetime in seconds from issue (relative, not a timestamp). */
  tokenExpireSeconds: number;
  /** Lifetime of each privilege in seconds from issue; 0 (default) = until the token expires. */
  privilegeExpireSeconds?: number;
  /** Unix seconds; defaults to now. */
  issueTs?: number;
  /** 1..99 999 999; defaults to random. */
  salt?: number;
}

/**
 * Builds a 007 RTC token, or "" when the App ID or certificate is not 32 lowercase hex characters.
 * Throws RangeError for expiries, issueTs or salt outside u32 (negative, fractional, too large).
 */
export function buildRtcToken(input: BuildRtcTokenInput): string {
  const expire = input.privilegeExpireSeconds ?? 0;
  const privileges: Record<number, number> = { [RtcPrivilege.joinChannel]: expire };
  if (input.role === 'publisher') {
    privileges[RtcPrivilege.publishAudioStream] = expire;
    privileges[RtcPrivilege.publishVideoStream] = expire;
    privileges[RtcPrivilege.publishDataStream] = expire;
  }
  return buildAccessToken2({
    appId: input.appId,
    appCertificate: input.appCertificate,
    expire: input.tokenExpireSeconds,
    issueTs: input.issueTs,
    salt: input.salt,
    services: [{ type: 1, privileges, channelName: input.channel, uid: uidToTokenString(input.uid) }],
  });
}
