/**
 * Queries for ban rules.
 */
import type { Insertable, Selectable } from 'kysely';
import type { Db } from '../store/database.ts';
import type { BanRuleTable } from '../store/schema.ts';

export type BanRuleRow = Selectable<BanRuleTable>;

export async function insertRule(db: Db, rule: Insertable<BanRuleTable>): Promise<number> {
  const row = await db.insertInto('ban_rules').values(rule).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Rules of an app still in force at `now` that could cover this channel, uid or ip. */
export function findActiveRules(db: Db, appId: string, now: number, target: { channel: string; uid: string; ip?: string }) {
  return db
    .selectFrom('ban_rules')
    .selectAll()
    .where('app_id', '=', appId)
    .where('expires_at', '>', now)
    .where((eb) => eb.or([eb('channel', 'is', null), eb('channel', '=', target.channel)]))
    .where((eb) => eb.or([eb('uid', 'is', null), eb('uid', '=', target.uid)]))
    .where((eb) => (target.ip ? eb.or([eb('ip', 'is', null), eb('ip', '=', target.ip)]) : eb('ip', 'is', null)))
    .execute();
}

export function listActiveRules(db: Db, appId: string, now: number): Promise<BanRuleRow[]> {
  return db.selectFrom('ban_rules').selectAll().where('app_id', '=', appId).where('expires_at', '>', now).orderBy('id').execute();
}

export function findRule(db: Db, appId: string, id: number): Promise<BanRuleRow | undefined> {
  return db.selectFrom('ban_rules').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
}

export async function updateRuleExpiry(db: Db, appId: string, id: number, expiresAt: number, now: number): Promise<boolean> {
  const result = await db.updateTable('ban_rules').set({ expires_at: expiresAt, updated_at: now }).where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteRule(db: Db, appId: string, id: number): Promise<boolean> {
  const result = await db.deleteFrom('ban_rules').where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
