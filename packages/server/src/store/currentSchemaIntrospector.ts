/**
 * What Kysely's migrator learns about a PostgreSQL database, read from Parley's own schema only.
 *
 * Kysely's PostgreSQL introspector reads every column of every table in every schema of the
 * database, calling has_schema_privilege and pg_get_serial_sequence on each, and its migrator runs
 * it at every start. A schema or column that anyone else drops meanwhile in the same database
 * makes that query fail ("schema … does not exist", "column … of relation … does not exist"), so a
 * node could not start beside another application's migrations; the test suite met it when one
 * file dropped its schema while another migrated. It also grows with everything else in the
 * database. The migrator only asks which schemas exist and whether its own tables do, and those
 * live in the connection's current schema (store/migrate.ts), so this introspector reads that.
 */
import { sql, type DatabaseIntrospector, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

interface ColumnRow {
  table: string;
  schema: string;
  kind: string;
  column: string | null;
  type: string | null;
  not_null: boolean | null;
  has_default: boolean | null;
  identity: string | null;
}

export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  #db: Kysely<any>;

  constructor(db: Kysely<any>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace`.execute(this.#db);
    return rows;
  }

  /** Tables and views of the current schema (Kysely's own migration tables included), with their columns. */
  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await sql<ColumnRow>`
      select c.relname as table, ns.nspname as schema, c.relkind as kind, a.attname as column,
             format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity as identity
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      left join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p', 'f')
      order by c.relname, a.attnum`.execute(this.#db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      let table = tables.get(row.table);
      if (!table) {
        table = { name: row.table, schema: row.schema, isView: row.kind === 'v', isForeign: row.kind === 'f', columns: [] };
        tables.set(row.table, table);
      }
      if (row.column === null) continue;
      table.columns.push({
        name: row.column,
        dataType: row.type ?? '',
        isNullable: !row.not_null,
        hasDefaultValue: Boolean(row.has_default),
        // Identity columns; Parley's migrations make no serial ones.
        isAutoIncrementing: Boolean(row.identity),
      });
    }
    return [...tables.values()];
  }

  async getMetadata(): Promise<{ tables: TableMetadata[] }> {
    return { tables: await this.getTables() };
  }
}
