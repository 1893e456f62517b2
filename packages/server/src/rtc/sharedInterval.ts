/**
 * One timer for every connection's periodic task of the same period: a liveness ping every 2 s
 * on each signaling socket, a downlink reading every second on each subscribe connection.
 *
 * Why not a setInterval each: Node keeps timers of one duration in one list, but each still fires
 * at its own moment, so N connections woke the process N times a period: 200 quiet participants
 * meant 300 wake-ups a second for these two tasks alone, each paying the event loop's round and a
 * cold cache for a few µs of work. Here they run back to back in one.
 *
 * A task first runs at the next tick, anywhere from at once to one period after it was added;
 * each task copes with that (see its user). The timer runs only while there is a task, and does
 * not keep the process alive.
 */
export class SharedInterval {
  readonly #periodMs: number;
  readonly #tasks = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  constructor(periodMs: number) {
    this.#periodMs = periodMs;
  }

  /** Runs `task` once a period, from the next tick on; returns the function that stops it. */
  add(task: () => void): () => void {
    this.#tasks.add(task);
    this.#timer ??= setInterval(() => this.#tick(), this.#periodMs).unref();
    return () => {
      this.#tasks.delete(task);
      if (this.#tasks.size === 0 && this.#timer) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
    };
  }

  #tick(): void {
    let failure: { error: unknown } | undefined;
    // Over a copy: a task may stop itself or another (a socket cut off), and a connection that
    // starts meanwhile waits for the next tick. One stopped meanwhile does not run.
    for (const task of [...this.#tasks]) {
      if (!this.#tasks.has(task)) continue;
      try {
        task();
      } catch (error) {
        // The others still run; the first failure is then thrown as its own timer would have.
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }
}
