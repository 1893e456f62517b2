/**
 * When to rebuild a media connection that failed: the browser saw it fail (ICE `failed`), or the
 * server closed its side (`media-lost`: it never connected, or lost consent). The first rebuild
 * of a connection starts at once; while it keeps failing, each next one waits longer (1 s, 2 s,
 * 4 s … 30 s), so a network that is down costs a rebuild now and then, not a storm of offers.
 * The wait starts again from nothing once the connection connects.
 *
 * One rebuild of a connection runs at a time; failures reported meanwhile are the same failure.
 */
import type { MediaConnection } from '@parley/protocol';

export type { MediaConnection };

const FIRST_WAIT_MS = 1_000;
const LONGEST_WAIT_MS = 30_000;

interface ConnectionRestarts {
  /** Rebuilds since the connection last connected. */
  attempts: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: boolean;
}

export class MediaRestarts {
  #rebuild: (connection: MediaConnection) => Promise<void>;
  #onError: (error: unknown) => void;
  #connections = new Map<MediaConnection, ConnectionRestarts>();

  /** `rebuild` replaces the connection; when it throws, `onError` hears of it and another rebuild follows later. */
  constructor(rebuild: (connection: MediaConnection) => Promise<void>, onError: (error: unknown) => void) {
    this.#rebuild = rebuild;
    this.#onError = onError;
  }

  /** `connection` failed: rebuild it, now or after the wait its earlier failures call for. */
  failed(connection: MediaConnection): void {
    const state = this.#state(connection);
    if (state.running || state.timer !== undefined) return;
    const waitMs = state.attempts === 0 ? 0 : Math.min(LONGEST_WAIT_MS, FIRST_WAIT_MS * 2 ** (state.attempts - 1));
    state.attempts += 1;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.#run(connection, state);
    }, waitMs);
  }

  /** `connection` connected: its next failure is rebuilt at once again. */
  connected(connection: MediaConnection): void {
    this.#state(connection).attempts = 0;
  }

  /** The session ended: nothing waiting runs, and the count starts afresh. */
  reset(): void {
    for (const state of this.#connections.values()) clearTimeout(state.timer);
    this.#connections.clear();
  }

  async #run(connection: MediaConnection, state: ConnectionRestarts): Promise<void> {
    state.running = true;
    let failed = false;
    try {
      await this.#rebuild(connection);
    } catch (error) {
      failed = true;
      this.#onError(error);
    } finally {
      state.running = false;
    }
    // Reset while it ran (the session ended): this state is no longer tracked.
    if (failed && this.#connections.get(connection) === state) this.failed(connection);
  }

  #state(connection: MediaConnection): ConnectionRestarts {
    let state = this.#connections.get(connection);
    if (!state) {
      state = { attempts: 0, timer: undefined, running: false };
      this.#connections.set(connection, state);
    }
    return state;
  }
}
