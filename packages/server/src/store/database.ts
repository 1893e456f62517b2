/**
 * Opens the durable store: a SQLite file in the data dir by default, PostgreSQL when a database
 * URL is configured. Both speak through the same Kysely interface.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql, type DatabaseIntrospector } from 'kysely';
import pg from 'pg';
import { CurrentSchemaIntrospector } from './currentSchemaIntrospector.ts';
import { openSqliteDatabase } from './sqliteDatabase.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (tests isolate themselves with one each); defaults to the server's search_path. */
  postgresSchema?: string;
}

export interface Store {
  db: Db;
  kind: 'sqlite' | 'postgres';
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

const INT8_OID = 20;

/** PostgreSQL as Kysely speaks it, introspecting Parley's own schema only (see currentSchemaIntrospector.ts). */
class ParleyPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

function openPostgres(url: string, schema: string | undefined): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Timestamps are stored as bigint milliseconds, well inside Number's exact range.
    types: { getTypeParser: (oid: number, format?: any) => (oid === INT8_OID ? Number : pg.types.getTypeParser(oid, format)) } as any,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  return new Kysely<Database>({ dialect: new ParleyPostgresDialect({ pool }) });
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) {
    const db = openPostgres(options.databaseUrl, options.postgresSchema);
    return {
      db,
      kind: 'postgres',
      ping: async () => void (await sql`select 1`.execute(db)),
      close: () => db.destroy(),
    };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: openSqliteDatabase(path.join(options.dataDir, 'parley.db')) }),
  });
  return {
    db,
    kind: 'sqlite',
    ping: async () => void (await sql`select 1`.execute(db)),
    close: () => db.destroy(),
  };
}
