/**
 * Ban rules: refusing joins (and publishing) to users, channels or addresses for a while.
 * A rule with channel, uid or ip unset applies to every value of that field.
 */
import type { Db } from '../store/database.ts';
import { normalizeIp } from '../net/clientAddress.ts';
import * as store from './store.ts';

export type BanPrivilege = 'join_channel' | 'publish_audio' | 'publish_video';

export interface BanTarget {
  channel: string;
  uid: number | string;
  ip?: string;
}

export interface BanScope {
  channel?: string;
  uid?: number | string;
  ip?: string;
}

export interface BanRule {
  id: number;
  appId: string;
  channel: string | null;
  /** The uid as its decimal string, or the user account. */
  uid: string | null;
  ip: string | null;
  privileges: BanPrivilege[];
  createdAt: number;
  updatedAt: number;
  /** Unix ms; a rule is in force before it. */
  expiresAt: number;
}

/** Agora's limits on a kicking rule's duration, and its default. */
export const KICKING_RULE_MINUTES = { min: 1, max: 1440 } as const;
export const KICKING_RULE_SECONDS = { min: 10, max: 86430 } as const;
export const KICKING_RULE_DEFAULT_SECONDS = 3600;

/**
 * A kicking rule's duration in seconds, as Agora reads `time` (minutes) and `time_in_seconds`:
 * the latter wins when both are given; each is clamped to its range; neither means an hour;
 * 0 means "kick now, ban nothing".
 */
export function kickingRuleSeconds(input: { time?: number; time_in_seconds?: number }): number {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
  if (input.time_in_seconds !== undefined) {
    return input.time_in_seconds === 0 ? 0 : Math.round(clamp(input.time_in_seconds, KICKING_RULE_SECONDS.min, KICKING_RULE_SECONDS.max));
  }
  if (input.time !== undefined) {
    return input.time === 0 ? 0 : Math.round(clamp(input.time, KICKING_RULE_MINUTES.min, KICKING_RULE_MINUTES.max) * 60);
  }
  return KICKING_RULE_DEFAULT_SECONDS;
}

function toRule(row: store.BanRuleRow): BanRule {
  return {
    id: Number(row.id),
    appId: row.app_id,
    channel: row.channel,
    uid: row.uid,
    ip: row.ip,
    privileges: row.privileges.split(',') as BanPrivilege[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}

export class BanService {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Adds a rule in force for `seconds` (0: a rule that is over at once, kept for its id). */
  async ban(appId: string, scope: BanScope, privileges: BanPrivilege[], seconds: number, now = Date.now()): Promise<{ id: number; expiresAt: number }> {
    const expiresAt = now + seconds * 1000;
    const id = await store.insertRule(this.#db, {
      app_id: appId,
      channel: scope.channel ?? null,
      uid: scope.uid === undefined ? null : String(scope.uid),
      ip: scope.ip === undefined ? null : normalizeIp(scope.ip),
      privileges: privileges.join(','),
      created_at: now,
      updated_at: now,
      expires_at: expiresAt,
    });
    return { id, expiresAt };
  }

  /** The rules of an app still in force, oldest first. */
  async listRules(appId: string, now = Date.now()): Promise<BanRule[]> {
    return (await store.listActiveRules(this.#db, appId, now)).map(toRule);
  }

  async findRule(appId: string, id: number): Promise<BanRule | undefined> {
    const row = await store.findRule(this.#db, appId, id);
    return row && toRule(row);
  }

  /** Makes a rule end `seconds` from now (0: now); undefined when the app has no such rule. */
  async setRuleDuration(appId: string, id: number, seconds: number, now = Date.now()): Promise<BanRule | undefined> {
    if (!(await store.updateRuleExpiry(this.#db, appId, id, now + seconds * 1000, now))) return undefined;
    return this.findRule(appId, id);
  }

  async deleteRule(appId: string, id: number): Promise<boolean> {
    return store.deleteRule(this.#db, appId, id);
  }

  /** The privileges currently denied to this user in this channel. */
  async deniedPrivileges(appId: string, target: BanTarget, now = Date.now()): Promise<Set<BanPrivilege>> {
    const rules = await store.findActiveRules(this.#db, appId, now, {
      channel: target.channel,
      uid: String(target.uid),
      ...(target.ip ? { ip: normalizeIp(target.ip) } : {}),
    });
    return new Set(rules.flatMap((rule) => rule.privileges.split(',') as BanPrivilege[]));
  }
}
