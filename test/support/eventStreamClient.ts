/**
 * A server-sent events client for tests, over node:http so a test can drop the connection the way
 * a closed browser tab does: parses `event:`/`data:` blocks and comment lines as they arrive, and
 * waits for an event that matches. A refused request (not `text/event-stream`) keeps its JSON body.
 */
import http from 'node:http';
import type { ErrorBody } from '@parley/protocol';

export interface ServerSentEvent<T> {
  event: string;
  data: T;
  /** When it arrived (Date.now()). */
  at: number;
}

export class EventStreamClient<T> {
  readonly events: Array<ServerSentEvent<T>> = [];
  readonly comments: string[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  /** The body of an answer that is not a stream (a refusal), parsed. */
  refusal: ErrorBody | undefined;
  ended = false;
  #request: http.ClientRequest;
  #buffer = '';

  private constructor(request: http.ClientRequest) {
    this.#request = request;
  }

  /** Opens the stream; resolves once the response's head (and, for a refusal, its body) has arrived. */
  static open<T>(url: string, headers: Record<string, string> = {}): Promise<EventStreamClient<T>> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
      const client = new EventStreamClient<T>(request);
      request.once('error', reject);
      request.once('response', (response) => {
        client.status = response.statusCode ?? 0;
        client.headers = response.headers;
        response.setEncoding('utf8');
        response.on('end', () => (client.ended = true));
        response.on('close', () => (client.ended = true));
        if (!String(response.headers['content-type']).startsWith('text/event-stream')) {
          let text = '';
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            client.refusal = JSON.parse(text) as ErrorBody;
            resolve(client);
          });
          return;
        }
        response.on('data', (chunk: string) => client.#receive(chunk));
        resolve(client);
      });
    });
  }

  #receive(chunk: string): void {
    this.#buffer += chunk;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('event: ')) event = line.slice('event: '.length);
        else if (line.startsWith('data: ')) data.push(line.slice('data: '.length));
      }
      if (data.length > 0) this.events.push({ event, data: JSON.parse(data.join('\n')) as T, at: Date.now() });
    }
  }

  /** The first event from index `from` on that matches, waiting up to `timeoutMs` for it. */
  async waitFor(match: (event: ServerSentEvent<T>) => boolean, timeoutMs = 5_000, from = 0): Promise<ServerSentEvent<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(-3))}`);
      if (this.ended) throw new Error('the stream ended before a matching event');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Drops the connection, as a closed tab does. */
  close(): void {
    this.#request.destroy();
  }
}
