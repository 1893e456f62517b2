/**
 * `parley project create`: works beside a running server on the same data dir (SQLite WAL).
 */
import type { Config } from '../config/index.ts';
import { ProjectService, UnknownCustomerError, type Plan } from '../projects/service.ts';
import { openStore } from '../store/database.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { formatCredentials } from './credentialsBanner.ts';
import { UserError } from './userError.ts';

export async function createProjectCommand(config: Pick<Config, 'store' | 'auth'>, options: { name: string; plan: Plan; customerId?: string; json?: boolean }): Promise<void> {
  const store = openStore(config.store);
  try {
    await migrateToLatest(store.db);
    const projects = new ProjectService(store.db, config.auth.secretKey);
    const created = await projects
      .createProject({ name: options.name, plan: options.plan, ...(options.customerId ? { customerId: options.customerId } : {}) })
      .catch((error: unknown) => {
        throw error instanceof UnknownCustomerError ? new UserError(error.message) : error;
      });
    console.log(options.json ? JSON.stringify(created, null, 2) : formatCredentials(`Project "${created.name}" created`, created));
  } finally {
    await store.close();
  }
}
