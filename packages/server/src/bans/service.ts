/**
 * Ban rules: refusing joins (and publishing) to users, channels or addresses for a while.
 * A rule with channel, uid or ip unset applies to every value of that field.
 */
import type { Db } from '../store/database.ts';
import * as store from './store.ts';

export type BanPrivilege = 'join_channel' | 'publish_audio' | 'publish_video';

export interface BanTarget {
  channel: string;
  uid: number | string;
  ip?: string;
}

export class BanService {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async ban(appId: string, scope: { channel?: string; uid?: number | string; ip?: string }, privileges: BanPrivilege[], seconds: number, now = Date.now()): Promise<{ id: number; expiresAt: number }> {
    const expiresAt = now + seconds * 1000;
    const id = await store.insertRule(this.#db, {
      app_id: appId,
      channel: scope.channel ?? null,
      uid: scope.uid === undefined ? null : String(scope.uid),
      ip: scope.ip ?? null,
      privileges: privileges.join(','),
      created_at: now,
      updated_at: now,
      expires_at: expiresAt,
    });
    return { id, expiresAt };
  }

  /** The privileges currently denied to this user in this channel. */
  async deniedPrivileges(appId: string, target: BanTarget, now = Date.now()): Promise<Set<BanPrivilege>> {
    const rules = await store.findActiveRules(this.#db, appId, now, {
      channel: target.channel,
      uid: String(target.uid),
      ...(target.ip ? { ip: target.ip } : {}),
    });
    return new Set(rules.flatMap((rule) => rule.privileges.split(',') as BanPrivilege[]));
  }
}
