/**
 * `parley migrate`: applies pending schema migrations and says which.
 */
import type { Config } from '../config/index.ts';
import { openStore } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';

export async function migrateCommand(config: Pick<Config, 'store' | 'auth'>): Promise<void> {
  const store = openStore(config.store);
  try {
    const applied = await migrateToLatest(store.db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
  } finally {
    await store.close();
  }
}
