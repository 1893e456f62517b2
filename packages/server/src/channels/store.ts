/**
 * Queries for persisted channels.
 */
import type { Db } from '../store/database.ts';
import { preparedQuery } from '../store/preparedQuery.ts';
import type { ChannelTable } from '../store/schema.ts';

export type ChannelRow = ChannelTable;

// Prepared: every GET of a channel runs it.
const channelByName = preparedQuery((db: Db, { appId, name }: { appId: string; name: string }) =>
  db.selectFrom('channels').selectAll().where('app_id', '=', appId).where('name', '=', name),
);

export async function findChannel(db: Db, appId: string, name: string): Promise<ChannelRow | undefined> {
  const [row] = await channelByName(db, { appId, name });
  return row;
}

/** Inserts unless the channel exists; returns whether this call created it. */
export async function insertChannelIfAbsent(db: Db, row: ChannelRow): Promise<boolean> {
  const result = await db
    .insertInto('channels')
    .values(row)
    .onConflict((oc) => oc.columns(['app_id', 'name']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function listChannels(db: Db, appId: string, after: string | undefined, limit: number): Promise<ChannelRow[]> {
  let query = db.selectFrom('channels').selectAll().where('app_id', '=', appId);
  if (after !== undefined) query = query.where('name', '>', after);
  return query.orderBy('name').limit(limit).execute();
}

export async function deleteChannel(db: Db, appId: string, name: string): Promise<boolean> {
  const result = await db.deleteFrom('channels').where('app_id', '=', appId).where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
