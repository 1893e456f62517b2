/**
 * Minting and checking access tokens with each project's App Certificates: tokens are signed with
 * the primary and verify against the primary or the secondary, while one is enabled (rotation).
 */
import { buildRtcToken, privilegeActive, verifyToken, type TokenClaims, type VerifyFailure } from '@parley/token';
import type { CreatedToken, CreateTokenBody } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import type { ProjectService } from '../projects/service.ts';

export type TokenCheck = { ok: true; claims: TokenClaims } | VerifyFailure;

/** What minting and checking need of projects: narrow, so tests can hand in fakes. */
export type TokenProjects = Pick<ProjectService, 'findCertificate' | 'findCertificates' | 'findProject'>;

export class TokenService {
  #projects: TokenProjects;
  #maxLifetimeSeconds: number;

  constructor(projects: TokenProjects, maxLifetimeSeconds: number) {
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
   * Checks signature, age and expiry against the certificates of the App ID inside the token (every
   * check of a join, a renewal or a Bearer request comes here). Legacy 006 tokens sign the channel
   * and uid without carrying them, so they verify only for the `presentedFor` channel and uid. A
   * disabled project's tokens are refused, for joins and reads alike.
   */
  async verify(token: string, presentedFor: { channel?: string; uid?: number | string } = {}, now = Math.floor(Date.now() / 1000)): Promise<TokenCheck> {
    const check = await verifyToken(token, {
      lookupCertificate: (appId) => this.#projects.findCertificates(appId),
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
