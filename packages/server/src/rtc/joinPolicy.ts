/**
 * Who may join a channel and what they may publish: the token (signature, expiry, app, channel,
 * uid, join and publish privileges) and the ban rules. A join with no token is let in only while
 * its project is in testing mode, as a host with every privilege and no expiry.
 */
import { privilegeActive, rtcGrantFor } from '@parley/token';
import { NO_TOKEN_EXPIRY, type JoinMessage, type MediaKind } from '@parley/protocol';
import type { BanService } from '../bans/service.ts';
import { DomainError } from '../domainError.ts';
import type { ProjectService } from '../projects/service.ts';
import type { TokenService } from '../tokens/service.ts';

export interface JoinGrant {
  uid: number | string;
  /** Unix seconds: when the join privilege (or the token) lapses. */
  expiresAt: number;
  mayPublish: Set<MediaKind>;
}

/** What joining needs of the token and ban services: narrow, so tests can hand in fakes. */
export interface JoinPolicyDeps {
  tokens: Pick<TokenService, 'verify'>;
  bans: Pick<BanService, 'deniedPrivileges'>;
  projects: Pick<ProjectService, 'findProject'>;
}

/** A random uid for clients that let the server choose (1 to 2^32-1, like Agora's SDK). */
function randomUid(taken: (uid: number) => boolean): number {
  for (;;) {
    const uid = 1 + Math.floor(Math.random() * 0xfffffffe);
    if (!taken(uid)) return uid;
  }
}

export async function checkJoin(
  deps: JoinPolicyDeps,
  message: Pick<JoinMessage, 'appId' | 'channel' | 'uid' | 'token'>,
  context: { ip: string; uidTaken: (uid: number) => boolean },
  now = Math.floor(Date.now() / 1000),
): Promise<JoinGrant> {
  const askedUid = message.uid === undefined || message.uid === 0 ? undefined : message.uid;
  if (message.token === undefined) return checkTokenlessJoin(deps, { ...message, askedUid }, context);
  const check = await deps.tokens.verify(message.token, { channel: message.channel, uid: askedUid ?? 0 }, now);
  if (!check.ok) throw new DomainError(check.reason === 'expired' ? 'token_expired' : 'invalid_token', check.message);
  const { claims } = check;
  if (claims.appId.toLowerCase() !== message.appId) throw new DomainError('forbidden', 'The token was issued for another App ID');
  const uid = askedUid ?? randomUid(context.uidTaken);
  const grant = rtcGrantFor(claims, message.channel, uid);
  if (!grant) throw new DomainError('forbidden', 'The token does not grant this channel and uid');
  if (askedUid === undefined && grant.uid !== '') throw new DomainError('forbidden', 'The token is for one uid: join with that uid');
  if (!privilegeActive(grant, 'joinChannel', now)) throw new DomainError('token_expired', 'The token\'s join privilege has expired');

  const denied = await deniedPrivileges(deps, message.appId, message.channel, uid, context.ip);
  const mayPublish = new Set<MediaKind>();
  if (privilegeActive(grant, 'publishAudio', now) && !denied.has('publish_audio')) mayPublish.add('audio');
  if (privilegeActive(grant, 'publishVideo', now) && !denied.has('publish_video')) mayPublish.add('video');
  return { uid, expiresAt: Math.min(claims.expiresAt, grant.privileges.joinChannel ?? claims.expiresAt), mayPublish };
}

/**
 * Testing mode: the App ID alone lets anyone in, with every privilege a token could give and no
 * expiry. Bans still apply. A project that requires tokens (the default) refuses with
 * invalid_token, as Agora does for a null token once the certificate is enforced.
 */
async function checkTokenlessJoin(
  deps: JoinPolicyDeps,
  message: { appId: string; channel: string; askedUid: number | string | undefined },
  context: { ip: string; uidTaken: (uid: number) => boolean },
): Promise<JoinGrant> {
  const project = await deps.projects.findProject(message.appId);
  if (!project || project.status === 'disabled' || !project.testingMode) {
    throw new DomainError('invalid_token', 'This project requires a token to join: only a project in testing mode accepts a join without one');
  }
  const uid = message.askedUid ?? randomUid(context.uidTaken);
  const denied = await deniedPrivileges(deps, message.appId, message.channel, uid, context.ip);
  const mayPublish = new Set<MediaKind>((['audio', 'video'] as const).filter((kind) => !denied.has(`publish_${kind}`)));
  return { uid, expiresAt: NO_TOKEN_EXPIRY, mayPublish };
}

/** The privileges ban rules deny this user; refuses the join when one denies joining. */
async function deniedPrivileges(deps: JoinPolicyDeps, appId: string, channel: string, uid: number | string, ip: string) {
  const denied = await deps.bans.deniedPrivileges(appId, { channel, uid, ip });
  if (denied.has('join_channel')) throw new DomainError('banned', 'This user is banned from the channel');
  return denied;
}
