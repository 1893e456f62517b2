/**
 * Values that are ready now or later. An authenticated request runs a dozen small steps (address
 * budget, account, rate counter, project, channel state) that answer from memory nearly always:
 * cached rows, in-process counters. An `await` costs a promise and a microtask turn even on a
 * value that is ready, about 1,100 instructions a step (bench:api:instructions with 20 extra
 * awaits in the guard: +22,000 a request). So steps that may need I/O (a database row not cached,
 * Redis) return `MaybeAsync<T>`, and the hot path chains with `andThen`, which goes asynchronous
 * only where a step did.
 */
export type MaybeAsync<T> = T | Promise<T>;

export function isPromise<T>(value: MaybeAsync<T>): value is Promise<T> {
  return value instanceof Promise;
}

/** `next(value)` now when `value` is ready, else once it is. Errors thrown by `next` throw now or reject later, alike. */
export function andThen<T, U>(value: MaybeAsync<T>, next: (ready: T) => MaybeAsync<U>): MaybeAsync<U> {
  return isPromise(value) ? value.then(next) : next(value);
}
