/**
 * Server-sent events (`text/event-stream`) over a Fastify reply: named events with JSON data, a
 * comment line every so often so proxies keep an idle connection open, and one cleanup when either
 * side ends it. The reply stays Fastify's, so its hooks and log line run when the stream ends.
 *
 * `EventStreams` keeps the open ones: a person may hold only a few at once (each costs a listener
 * and timers), and a server that stops ends them, as it could not finish otherwise.
 */
import { PassThrough } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../domainError.ts';

export const KEEPALIVE_MS = 15_000;
/** A client that reads nothing while this much waits for it is dropped rather than buffered for. */
const MAX_UNREAD_BYTES = 1024 * 1024;

export interface EventStream<T> {
  /** Sends one event with `data` as its JSON. */
  send(data: T): void;
  /** Ends the stream from the server's side. */
  close(): void;
  /** Runs `listener` once when the stream ends, whoever ended it (at once if it has). */
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

export interface EventStreamOptions {
  /** The name of every event sent (`event:` line). */
  event: string;
  keepAliveMs?: number;
  /** Asked before each keepalive; false ends the stream (the session it was opened with ended, say). */
  stillAllowed?: () => Promise<boolean>;
}

/** Answers `reply` with an event stream; nothing else may be sent on it. */
export function openEventStream<T>(reply: FastifyReply, options: EventStreamOptions): EventStream<T> {
  const body = new PassThrough();
  const listeners: Array<() => void> = [];
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    body.end();
    for (const listener of listeners.splice(0)) listener();
  };
  const write = (text: string) => {
    if (closed) return;
    if (body.writableLength > MAX_UNREAD_BYTES) return close();
    body.write(text);
  };
  const keepAlive = setInterval(async () => {
    // A store that cannot answer now is no reason to cut a person off; the next round asks again.
    const allowed = options.stillAllowed ? await options.stillAllowed().catch(() => true) : true;
    if (allowed) write(': keepalive\n\n');
    else close();
  }, options.keepAliveMs ?? KEEPALIVE_MS);
  keepAlive.unref();

  // The client went away (Fastify then destroys the body too), or the body ended.
  reply.raw.once('close', close);
  body.once('close', close);
  reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache, no-transform')
    // nginx would otherwise hold events back in its buffer.
    .header('x-accel-buffering', 'no');
  void reply.send(body);

  return {
    send: (data) => write(`event: ${options.event}\ndata: ${JSON.stringify(data)}\n\n`),
    close,
    onClose: (listener) => (closed ? listener() : void listeners.push(listener)),
    get closed() {
      return closed;
    },
  };
}

/** The open streams of one edge, at most `perOwner` for each owner (a console user). */
export class EventStreams {
  #perOwner: number;
  #open = new Map<EventStream<unknown>, string>();

  constructor(perOwner: number) {
    this.#perOwner = perOwner;
  }

  /** Opens a stream for `owner`; refused (429) while they hold `perOwner` already. */
  open<T>(reply: FastifyReply, owner: string, options: EventStreamOptions): EventStream<T> {
    if (this.countOf(owner) >= this.#perOwner) {
      throw new DomainError('rate_limited', `At most ${this.#perOwner} live streams may be open at once; close one first`, undefined, { retryAfterSeconds: 5 });
    }
    const stream = openEventStream<T>(reply, options);
    this.#open.set(stream as EventStream<unknown>, owner);
    stream.onClose(() => this.#open.delete(stream as EventStream<unknown>));
    return stream;
  }

  countOf(owner: string): number {
    let count = 0;
    for (const holder of this.#open.values()) if (holder === owner) count += 1;
    return count;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Ends every open stream: the server is stopping. */
  closeAll(): void {
    for (const stream of [...this.#open.keys()]) stream.close();
  }
}
