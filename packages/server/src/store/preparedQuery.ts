/**
 * Queries of the API's hot path, built and compiled by Kysely once per database and then run with
 * each call's values. Building a query (builder objects, frozen operation nodes) and compiling it
 * (walking the tree to SQL) cost more CPU than SQLite takes to answer it (profile of bench:api);
 * the SQL of these queries never changes, only their values.
 *
 * The query is built once with a marker string in place of each named value; compiling turns
 * every value into a parameter, so the markers show which parameter slot takes which value.
 * Values written into the query itself (`status < 6`) stay as compiled.
 */
import type { CompiledQuery, Compilable, Kysely } from 'kysely';

type Values = Record<string, string | number | null>;

interface Compiled<Row> {
  query: CompiledQuery<Row>;
  /** For each parameter slot: the name of the value it takes, or undefined for a fixed one. */
  slots: Array<string | undefined>;
}

const MARKER = '\u0000prepared-value:';

export function preparedQuery<D extends Kysely<any>, V extends Values, Row>(build: (db: D, values: V) => Compilable<Row>): (db: D, values: V) => Promise<Row[]> {
  // Per database: the SQL depends on its dialect (SQLite `?`, PostgreSQL `$1`).
  const byDb = new WeakMap<D, Compiled<Row>>();

  function compile(db: D, names: string[]): Compiled<Row> {
    const markers = Object.fromEntries(names.map((name) => [name, `${MARKER}${name}`])) as unknown as V;
    const query = build(db, markers).compile();
    const slots = query.parameters.map((parameter) => (typeof parameter === 'string' && parameter.startsWith(MARKER) ? parameter.slice(MARKER.length) : undefined));
    // A value the query never used would silently be ignored: a mistake in `build`.
    for (const name of names) if (!slots.includes(name)) throw new Error(`prepared query does not use its value "${name}"`);
    return { query, slots };
  }

  return async (db, values) => {
    let compiled = byDb.get(db);
    if (!compiled) {
      compiled = compile(db, Object.keys(values));
      byDb.set(db, compiled);
    }
    const { query, slots } = compiled;
    const parameters = slots.map((slot, i) => (slot === undefined ? query.parameters[i] : values[slot]));
    return (await db.executeQuery<Row>({ ...query, parameters })).rows;
  };
}
