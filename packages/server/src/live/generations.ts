/**
 * Change counters ("generations") that every node sees: whoever changes a thing bumps its counter
 * once the change is committed, and a node that cached a read of the thing keeps using it only
 * while the counter still reads the same. Checking costs one live-state read (memory, or one Redis
 * round trip that runs beside the request's others) instead of database queries, and stays
 * correct across nodes without a message having to reach each of them.
 */
import type { MaybeAsync } from '../maybeAsync.ts';

export interface Generations {
  /** The counter's value now (0 for one never bumped): at once from memory, later from Redis. */
  current(key: string): MaybeAsync<number>;
  /** Counts one change; resolves once every node would read the new value. */
  bump(key: string): Promise<void>;
}

/** One node alone: the counters live in this process. */
export class MemoryGenerations implements Generations {
  #counters = new Map<string, number>();

  current(key: string): number {
    return this.#counters.get(key) ?? 0;
  }

  async bump(key: string): Promise<void> {
    this.#counters.set(key, (this.#counters.get(key) ?? 0) + 1);
  }
}
