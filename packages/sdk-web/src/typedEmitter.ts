/**
 * A small typed event emitter: the listener signature of every event comes from one event map,
 * so `client.on('user-published', (user, mediaType) => …)` is checked by the compiler.
 *
 * A listener that throws must not break the SDK's own bookkeeping, which often emits halfway
 * through a state change: its error is rethrown on a fresh task (so it still reaches
 * `window.onerror` and the console) and the other listeners still run.
 */

/** Maps each event name to its listener's signature. */
export type EventMap<Events> = { [K in keyof Events]: (...args: never[]) => void };

interface Entry {
  listener: (...args: never[]) => void;
  once: boolean;
}

export class TypedEmitter<Events extends EventMap<Events>> {
  #listeners = new Map<keyof Events, Entry[]>();

  /** Calls `listener` every time `event` fires. */
  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    this.#add(event, listener, false);
    return this;
  }

  /** Calls `listener` the next time `event` fires, then forgets it. */
  once<K extends keyof Events>(event: K, listener: Events[K]): this {
    this.#add(event, listener, true);
    return this;
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const entries = this.#listeners.get(event);
    if (!entries) return this;
    const index = entries.findIndex((entry) => entry.listener === listener);
    if (index >= 0) entries.splice(index, 1);
    if (entries.length === 0) this.#listeners.delete(event);
    return this;
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** The listeners of `event`, in the order they were added (Agora's EventEmitter has this). */
  getListeners<K extends keyof Events>(event: K): Array<Events[K]> {
    return (this.#listeners.get(event) ?? []).map((entry) => entry.listener as Events[K]);
  }

  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls the listeners of `event` in the order they were added; true when there was one. */
  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): boolean {
    const entries = this.#listeners.get(event);
    if (!entries || entries.length === 0) return false;
    // A copy: listeners may add or remove listeners while we iterate.
    for (const entry of [...entries]) {
      if (entry.once) this.off(event, entry.listener as Events[K]);
      try {
        (entry.listener as (...values: unknown[]) => void)(...args);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
    return true;
  }

  /** Called after a listener is added: a subclass may start what the event needs. */
  protected listenerAdded(_event: keyof Events): void {}

  #add(event: keyof Events, listener: (...args: never[]) => void, once: boolean): void {
    const entries = this.#listeners.get(event) ?? [];
    entries.push({ listener, once });
    this.#listeners.set(event, entries);
    this.listenerAdded(event);
  }
}
