/**
 * `parley token create`: prints an AccessToken2 signed with the project's App Certificate.
 */
import { buildRtcToken } from '@parley/token';
import { CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE } from '@parley/protocol';
import type { Config } from '../config/index.ts';
import { ProjectService } from '../projects/service.ts';
import { openStore } from '../store/database.ts';
import { UserError } from './userError.ts';

export function parseUid(raw: string): number | string {
  return /^\d+$/.test(raw) && Number(raw) <= 0xffffffff ? Number(raw) : raw;
}

export async function createTokenCommand(
  config: Pick<Config, 'store' | 'auth'>,
  options: { appId: string; channel: string; uid: string; role: 'publisher' | 'subscriber'; expire: number },
): Promise<void> {
  if (!new RegExp(CHANNEL_NAME_PATTERN).test(options.channel)) throw new UserError(CHANNEL_NAME_RULE);
  const store = openStore(config.store);
  try {
    const appCertificate = await new ProjectService(store.db, config.auth.secretKey).findCertificate(options.appId);
    if (!appCertificate) throw new UserError(`no project has App ID ${options.appId}`);
    console.log(
      buildRtcToken({
        appId: options.appId,
        appCertificate,
        channel: options.channel,
        uid: parseUid(options.uid),
        role: options.role,
        tokenExpireSeconds: options.expire,
        privilegeExpireSeconds: options.expire,
      }),
    );
  } finally {
    await store.close();
  }
}
