/**
 * Change counters ("generations") that every node sees: whoever changes a thing bumps its counter
 * once the change is committed, and a node that cached a read of the thing keeps using it only
 * while the counter still reads the same. Checking costs one live-state read instead of database
 * queries: from memory alone, or from Redis through tracked reads (trackedReads.ts), which answer
 * from memory until Redis says the counter changed.
 */
import type { MaybeAsync } from '../maybeAsync.ts';

export interface Generations {
  /** The counter's value now (0 for one never bumped): at once from memory or a kept Redis read, else later. */
  current(key: string): MaybeAsync<number>;
  /**
   * Counts one change; resolves once this node reads the new value. Other nodes read it once Redis's
   * invalidation reaches them (trackedReads.ts), which Redis sends while it counts the change.
   */
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
