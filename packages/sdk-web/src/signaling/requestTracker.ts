/**
 * Requests waiting for their reply: each gets a unique requestId and a timer. A reply (or an
 * `error` carrying the id) settles it; the timer rejects it with TIMEOUT; a closed socket rejects
 * every one still waiting. Knows nothing of sockets, so it is tested on its own.
 */
import { requestTimeout, serverRefused, unexpectedResponse, type ParleyRTCError } from '../errors.ts';
import { answers, type OutgoingRequest, type ReplyTo, type RequestMessage, type RequestType, type ServerMessage } from './messages.ts';

export const REQUEST_TIMEOUT_MS = 10_000;

interface Pending {
  type: RequestType;
  resolve(message: ServerMessage): void;
  reject(error: ParleyRTCError): void;
  timer: ReturnType<typeof setTimeout>;
}

let trackerCount = 0;

export class RequestTracker {
  #pending = new Map<string, Pending>();
  #counter = 0;
  // Ids only need to be unique per socket; a per-tracker prefix keeps logs of several clients apart.
  #prefix = `${(++trackerCount).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  #timeoutMs: number;

  constructor(timeoutMs = REQUEST_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Registers a request and gives the message to send (with its requestId) and the promise of
   * its reply. The caller sends the message.
   */
  start<T extends RequestType>(request: OutgoingRequest<T>): { message: RequestMessage; reply: Promise<ReplyTo<T>> } {
    const requestId = `${this.#prefix}-${++this.#counter}`;
    const message = { ...request, requestId } as unknown as RequestMessage;
    const type = request.type as T;
    const reply = new Promise<ReplyTo<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(requestTimeout(type, this.#timeoutMs));
      }, this.#timeoutMs);
      this.#pending.set(requestId, { type, resolve: resolve as (message: ServerMessage) => void, reject, timer });
    });
    return { message, reply };
  }

  /** Settles the request `message` answers; false when it answers none (an event, or a late reply). */
  settle(message: ServerMessage): boolean {
    const requestId = 'requestId' in message ? message.requestId : undefined;
    if (requestId === undefined) return false;
    const pending = this.#pending.get(requestId);
    if (!pending) return false;
    this.#pending.delete(requestId);
    clearTimeout(pending.timer);
    if (message.type === 'error') pending.reject(serverRefused(message.code, message.message, pending.type));
    else if (!answers(pending.type, message)) pending.reject(unexpectedResponse(pending.type, message.type));
    else pending.resolve(message);
    return true;
  }

  /** Rejects every waiting request, each with the error `reason` makes for its type. */
  rejectAll(reason: (type: RequestType) => ParleyRTCError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const request of pending) {
      clearTimeout(request.timer);
      request.reject(reason(request.type));
    }
  }
}
