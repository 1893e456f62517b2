/**
 * A node's cache of database reads (V may include undefined, for nothing found), each kept while
 * the generation it was loaded under (generations.ts) still reads the same: a change committed on
 * any node bumps the generation, and every node reloads on its next read. With generations in
 * memory or tracked in Redis (trackedReads.ts) the check answers at once, so a hit costs no promise.
 *
 * Entries also expire: a generation counter that was lost (Redis flushed, reading 0 again) and
 * bumped back to the value an entry holds could otherwise keep that entry forever.
 */
import { LRUCache } from 'lru-cache';
import { andThen, type MaybeAsync } from '../maybeAsync.ts';
import type { Generations } from './generations.ts';

export interface GenerationCacheOptions {
  max: number;
  /** How long an entry lives at most, in ms, asked at each load (a spread keeps reloads apart). */
  ttlMs: () => number;
}

export class GenerationCache<V> {
  #generations: Generations;
  #ttlMs: () => number;
  #entries: LRUCache<string, { generation: number; value: V }>;

  constructor(generations: Generations, options: GenerationCacheOptions) {
    this.#generations = generations;
    this.#ttlMs = options.ttlMs;
    this.#entries = new LRUCache({ max: options.max, ttl: options.ttlMs() });
  }

  /**
   * `key`'s value: the kept one while `generationKey` reads as when it was loaded, else `load`ed.
   * Undefined (nothing found) is not kept, so whatever is created next is seen at once.
   */
  get(key: string, generationKey: string, load: () => Promise<V>): MaybeAsync<V> {
    // Read before loading: a change committed meanwhile bumps past it, so the entry is not reused.
    return andThen(this.#generations.current(generationKey), (generation) => {
      const kept = this.#entries.get(key);
      if (kept?.generation === generation) return kept.value;
      return load().then((value) => {
        if (value !== undefined) this.#entries.set(key, { generation, value }, { ttl: this.#ttlMs() });
        return value;
      });
    });
  }

  /** After a committed change: every node, this one at once, reloads what `generationKey` covers. */
  changed(generationKey: string): Promise<void> {
    return this.#generations.bump(generationKey);
  }
}
