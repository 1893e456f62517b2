/**
 * Adapts Node's built-in `node:sqlite` to the database interface Kysely's SqliteDialect expects.
 *
 * Why not better-sqlite3: it is a native addon that must be compiled against Node 24 headers
 * during install (npm 11 blocks install scripts by default, and prebuilt downloads are not
 * reachable offline). `node:sqlite` ships with Node 22.5+ and needs nothing installed.
 *
 * On SQLITE_FULL or SQLITE_IOERR, SQLite may roll a transaction back by itself; Kysely then sends
 * its ROLLBACK anyway, which fails ("cannot rollback - no transaction is active") and would be
 * thrown instead of the disk error. Here a ROLLBACK with no transaction open does nothing, so the
 * real error surfaces and the connection goes on.
 */
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const STATEMENT_CACHE_LIMIT = 256;

/** node:sqlite binds numbers, bigints, strings, buffers and null; Kysely may hand us booleans. */
function toSqlValue(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  return value as SQLInputValue;
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map(toSqlValue);
}

function adaptStatement(statement: StatementSync): SqliteStatement {
  return {
    // A statement that yields columns (SELECT, or anything with RETURNING) must be read with all().
    reader: statement.columns().length > 0,
    all: (parameters) => statement.all(...bind(parameters)),
    run: (parameters) => statement.run(...bind(parameters)),
    iterate: (parameters) => statement.iterate(...bind(parameters)),
  };
}

const ROLLBACK = /^\s*rollback\s*;?\s*$/i;

/** Kysely's transaction-ending ROLLBACK: a no-op once SQLite has already rolled back. */
function rollbackStatement(database: DatabaseSync, statement: StatementSync): SqliteStatement {
  const adapted = adaptStatement(statement);
  return {
    ...adapted,
    run: (parameters) => (database.isTransaction ? adapted.run(parameters) : { changes: 0, lastInsertRowid: 0 }),
  };
}

export function openSqliteDatabase(filename: string): SqliteDatabase {
  const database = new DatabaseSync(filename);
  // WAL lets the CLI write (e.g. `parley project create`) while a server reads; busy_timeout makes
  // concurrent writers wait instead of failing.
  database.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;');
  // Preparing is a measurable share of a fast query; the API runs the same few statements.
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = ROLLBACK.test(sql) ? rollbackStatement(database, database.prepare(sql)) : adaptStatement(database.prepare(sql));
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
