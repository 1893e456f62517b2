/**
 * Opens and migrates the store for a CLI command that works beside a running server on the same
 * data dir (SQLite WAL, or the shared PostgreSQL), and closes it whatever happens.
 */
import type { Config } from '../config/index.ts';
import { DomainError } from '../domainError.ts';
import { openStore, type Store } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { UserError } from './userError.ts';

export async function withStore<T>(config: Pick<Config, 'store'>, run: (store: Store) => Promise<T>): Promise<T> {
  const store = openStore(config.store);
  try {
    await migrateToLatest(store.db);
    return await run(store);
  } catch (error) {
    // The services' own refusals (a taken email, a short password) are the user's to fix.
    throw error instanceof DomainError ? new UserError(`${error.field ? `${error.field}: ` : ''}${error.message}`) : error;
  } finally {
    await store.close();
  }
}
