/**
 * Whether the store takes writes, for readiness: a one-row upsert into server_settings (a key per
 * node), run at most once a second however often /readyz is asked. A ping only proves the store
 * answers; on a full disk it still does while every write fails.
 */
import { sql } from 'kysely';
import type { Db } from './database.ts';

const MIN_INTERVAL_MS = 1_000;

export class WriteProbe {
  #db: Db;
  #key: string;
  #onWritable: () => void;
  #last: { at: number; error: unknown } | undefined;
  #running: Promise<void> | undefined;

  /** `onWritable` is told each time a probe write lands (pending writes need not wait out their backoff). */
  constructor(db: Db, nodeId: string, onWritable: () => void) {
    this.#db = db;
    this.#key = `write-probe:${nodeId}`;
    this.#onWritable = onWritable;
  }

  /** Resolves when the latest probe write landed; rejects with its error otherwise. */
  async check(now = Date.now()): Promise<void> {
    if (!this.#last || now - this.#last.at >= MIN_INTERVAL_MS) {
      this.#running ??= this.#write(now).finally(() => (this.#running = undefined));
      await this.#running;
    }
    if (this.#last?.error) throw this.#last.error;
  }

  async #write(now: number): Promise<void> {
    try {
      await this.#db
        .insertInto('server_settings')
        .values({ key: this.#key, value: String(now) })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql`excluded.value` }))
        .execute();
      this.#last = { at: now, error: undefined };
      this.#onWritable();
    } catch (error) {
      this.#last = { at: now, error };
    }
  }
}
