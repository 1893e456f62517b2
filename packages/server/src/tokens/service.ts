/**
 * Minting and checking access tokens with each project's App Certificate.
 */
import { buildRtcToken, privilegeActive, verifyToken, type TokenClaims, type VerifyFailure } from '@parley/token';
import type { CreatedToken, CreateTokenBody } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import type { ProjectService } from '../projects/service.ts';

export type TokenCheck = { ok: true; claims: TokenClaims } | VerifyFailure;

export class TokenService {
  #projects: Pick<ProjectService, 'findCertificate' | 'findProject'>;
  #maxLifetimeSeconds: number;

  constructor(projects: Pick<ProjectService, 'findCertificate' | 'findProject'>, maxLifetimeSeconds: number) {
    this.#projects = projects;
    this.#maxLifetimeSeconds = maxLifetimeSeconds;
  }

  async createToken(appId: string, input: CreateTokenBody): Promise<CreatedToken> {
    const appCertificate = await this.#projects.findCertificate(appId);
    if (!appCertificate) throw new DomainError('not_found', 'No project with this App ID', 'projectId');
    const expireSeconds = input.expireSeconds ?? 3600;
    const issueTs = Math.floor(Date.now() / 1000);
    const token = buildRtcToken({
      appId,
      appCertificate,
      channel: input.channel,
      uid: input.uid,
      role: input.role,
      tokenExpireSeconds: expireSeconds,
      privilegeExpireSeconds: expireSeconds,
      issueTs,
    });
    return {
      token,
      expiresAt: new Date((issueTs + expireSeconds) * 1000).toISOString(),
      channel: input.channel,
      uid: input.uid,
      role: input.role,
    };
  }

  /**
   * Checks signature, age and expiry against the certificate of the App ID inside the token.
   * Legacy 006 tokens sign the channel and uid without carrying them, so they verify only for the
   * `presentedFor` channel and uid.
   */
  /** Checks a token's signature, times and certificate; a disabled project's tokens are refused, for joins and reads alike. */
  async verify(token: string, presentedFor: { channel?: string; uid?: number | string } = {}, now = Math.floor(Date.now() / 1000)): Promise<TokenCheck> {
    const check = await verifyToken(token, {
      lookupCertificate: (appId) => this.#projects.findCertificate(appId),
      now,
      maxLifetimeSeconds: this.#maxLifetimeSeconds,
      ...presentedFor,
    });
    if (check.ok && (await this.#projects.findProject(check.claims.appId))?.status === 'disabled') {
      return { ok: false, reason: 'unknown_app', message: 'The project is disabled; an owner or admin can enable it in the console' };
    }
    return check;
  }
}

/** Whether verified claims let their holder read `channel`: a grant for it, for any uid, whose join privilege is live. */
export function claimsCoverChannel(claims: TokenClaims, channel: string, now = Math.floor(Date.now() / 1000)): boolean {
  return claims.rtc.some((grant) => grant.channel === channel && privilegeActive(grant, 'joinChannel', now));
}
