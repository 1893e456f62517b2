/**
 * What a channel GET reads from the database (the channel's row and its recording state), cached
 * on each node and checked on every read against its project's channel generation
 * (live/generations.ts): one live-state read, which runs beside the participant list's, instead of
 * two queries. Writers bump the generation once their change is committed: creating or deleting a
 * channel row (service.ts) and any change to a recording's row (recording/transitions.ts).
 *
 * Entries also expire, so that a lost counter (Redis flushed, reading 0 again) can serve a stale
 * entry for at most that long.
 */
import type { Channel } from '@parley/protocol';
import { GenerationCache, type Generations } from '../live/index.ts';
import type { MaybeAsync } from '../maybeAsync.ts';

/** What a channel's row says about it, as its GET shows it (worked out once per cached row, not per GET). */
export type ChannelProfile = Omit<Channel, 'participantCount' | 'participants' | 'recording'>;

export interface StoredChannelState {
  /** Absent: the channel has no row (it may still be live). */
  profile: ChannelProfile | undefined;
  recording: Channel['recording'];
}

const MAX_ENTRIES = 10_000;
const ENTRY_TTL_MS = 30_000;

export class ChannelStateCache {
  #cache: GenerationCache<StoredChannelState>;

  constructor(generations: Generations) {
    this.#cache = new GenerationCache(generations, { max: MAX_ENTRIES, ttlMs: () => ENTRY_TTL_MS });
  }

  /** The channel's stored state: cached while its project's generation is unchanged (then at once, with memory's generations), else `load`ed. */
  read(appId: string, name: string, load: () => Promise<StoredChannelState>): MaybeAsync<StoredChannelState> {
    return this.#cache.get(`${appId}/${name}`, generationKey(appId), load);
  }

  /** After a committed change to one of the project's channel rows or recordings: every node reloads. */
  changed(appId: string): Promise<void> {
    return this.#cache.changed(generationKey(appId));
  }
}

function generationKey(appId: string): string {
  return `channels:${appId}`;
}
