/**
 * Versioned schema migrations, applied in name order and recorded in Kysely's migration table.
 * Migrations are imported statically (not read from a folder) so they travel with the code.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import * as initial from './migrations/001_initial.ts';
import * as sessions from './migrations/002_sessions.ts';
import * as banRules from './migrations/003_ban_rules.ts';
import * as serverSettings from './migrations/004_server_settings.ts';
import * as webhooks from './migrations/005_webhooks.ts';
import * as recordings from './migrations/006_recordings.ts';
import * as recordingNoticeSequences from './migrations/007_recording_notice_sequences.ts';
import * as consoleUsers from './migrations/008_console.ts';
import * as projectStatus from './migrations/009_project_status.ts';
import * as customerCredentials from './migrations/010_customer_credentials.ts';
import * as projectDeleted from './migrations/011_project_deleted.ts';
import * as secondaryCertificate from './migrations/012_secondary_certificate.ts';
import * as recordingsByProject from './migrations/013_recordings_by_project.ts';
import * as webhookResponseBody from './migrations/014_webhook_response_body.ts';
import * as projectTestingMode from './migrations/015_project_testing_mode.ts';

const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_sessions': sessions,
  '003_ban_rules': banRules,
  '004_server_settings': serverSettings,
  '005_webhooks': webhooks,
  '006_recordings': recordings,
  '007_recording_notice_sequences': recordingNoticeSequences,
  '008_console': consoleUsers,
  '009_project_status': projectStatus,
  '010_customer_credentials': customerCredentials,
  '011_project_deleted': projectDeleted,
  '012_secondary_certificate': secondaryCertificate,
  '013_recordings_by_project': recordingsByProject,
  '014_webhook_response_body': webhookResponseBody,
  '015_project_testing_mode': projectTestingMode,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export class MigrationError extends Error {}

/** Brings the schema to the latest version; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Kysely looks for its migration tables in every schema unless told which; beside another
  // Parley (or a test) in the same PostgreSQL database it would find theirs and skip creating ours.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  // Migrations written side by side on branches land in any order (012 may run before 010); each
  // touches its own tables, so a later-numbered one already applied is no reason to refuse an earlier.
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`migration ${failed} failed: ${(result.error as Error).message ?? result.error}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
