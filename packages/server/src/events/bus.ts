/**
 * The in-process bus for domain events. The rtc/ module is the only publisher; sessions, usage,
 * webhooks and recording subscribe. A failing listener is logged and cannot break the publisher
 * or the other listeners.
 */
import type { DomainEvent, DomainEventOf, DomainEventType } from '@parley/protocol';
import type { Logger } from '../log/logger.ts';

export type EventListener<T extends DomainEventType> = (event: DomainEventOf<T>) => void | Promise<void>;

export class EventBus {
  #listeners = new Map<DomainEventType, Array<(event: DomainEvent) => void | Promise<void>>>();
  #pending = new Set<Promise<void>>();
  #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  on<T extends DomainEventType>(type: T, listener: EventListener<T>): () => void {
    const list = this.#listeners.get(type) ?? [];
    const wrapped = listener as (event: DomainEvent) => void | Promise<void>;
    list.push(wrapped);
    this.#listeners.set(type, list);
    return () => {
      const current = this.#listeners.get(type) ?? [];
      this.#listeners.set(type, current.filter((l) => l !== wrapped));
    };
  }

  emit(event: DomainEvent): void {
    for (const listener of this.#listeners.get(event.type) ?? []) {
      try {
        const result = listener(event);
        if (result instanceof Promise) this.#track(result, event);
      } catch (error) {
        this.#log.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }

  /** How many listeners `type` has now: a subscription that ended must not linger (tests, leaks). */
  listenerCount(type: DomainEventType): number {
    return this.#listeners.get(type)?.length ?? 0;
  }

  /** Resolves when every asynchronous listener started so far has finished (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  #track(promise: Promise<void>, event: DomainEvent): void {
    const tracked = promise.catch((error) => this.#log.error({ err: error, event: event.type }, 'event listener failed'));
    this.#pending.add(tracked);
    void tracked.finally(() => this.#pending.delete(tracked));
  }
}
