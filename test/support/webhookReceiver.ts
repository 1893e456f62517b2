/**
 * A customer's webhook receiver for tests: a real HTTP server on 127.0.0.1 that checks Agora's
 * two signature headers against the secret it is told, records every delivery (duplicates
 * included) and answers with whatever status the test chooses; and a server to feed it.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Backend } from './backends.ts';
import { startTestServer, type TestServer } from './server.ts';

export interface ReceivedNotice {
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  body: { noticeId: string; productId: number; eventType: number; notifyMs: number; sid?: string; payload: Record<string, any> };
  /** Both signatures matched the secret at the time it arrived. */
  signed: boolean;
  status: number;
  at: number;
}

export class WebhookReceiver {
  readonly received: ReceivedNotice[] = [];
  /** The endpoint's signing secret, as the create (or rotate) answer showed it. */
  secret = '';
  /** Picks the status of each answer; 200 by default. */
  respond: (notice: Omit<ReceivedNotice, 'status'>) => number = () => 200;
  #server: http.Server;
  #waiters: Array<() => void> = [];

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<WebhookReceiver> {
    const server = http.createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (request, response) => receiver.#handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/hooks`;
  }

  #handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const v1 = createHmac('sha1', this.secret).update(rawBody).digest('hex');
      const v2 = createHmac('sha256', this.secret).update(rawBody).digest('hex');
      const notice = {
        headers: request.headers,
        rawBody,
        body: JSON.parse(rawBody),
        signed: request.headers['agora-signature'] === v1 && request.headers['agora-signature-v2'] === v2,
        at: Date.now(),
      };
      const status = this.respond(notice);
      this.received.push({ ...notice, status });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200 }));
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  /** Notices answered 200, first delivery of each noticeId only. */
  accepted(): ReceivedNotice[] {
    const seen = new Set<string>();
    return this.received.filter((n) => n.status === 200 && !seen.has(n.body.noticeId) && seen.add(n.body.noticeId));
  }

  /** Resolves once `check` holds over what was received. */
  async waitFor(check: (received: ReceivedNotice[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`receiver: condition not met within ${timeoutMs} ms; got ${JSON.stringify(this.received.map((n) => [n.body.eventType, n.status]))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** Webhooks may go to loopback (the receiver) and are retried after 50 ms, not minutes. */
export const FAST_WEBHOOK_RETRIES = { PARLEY_WEBHOOK_ALLOW_PRIVATE: 'true', PARLEY_WEBHOOK_RETRY_BASE_MS: '50' };

export interface WebhookServer {
  t: TestServer;
  receiver: WebhookReceiver;
}

/**
 * Registers, in the calling `describe`, a server on `backend` that delivers quickly to loopback
 * and a receiver that forgets what it got (and answers 200 again) before each test.
 */
export function useWebhookServer(backend: Backend): WebhookServer {
  const fixture = {} as WebhookServer;
  beforeAll(async () => {
    fixture.t = await startTestServer(backend, FAST_WEBHOOK_RETRIES);
    fixture.receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await fixture.t.stop();
    await fixture.receiver.close();
  });
  beforeEach(() => {
    fixture.receiver.received.length = 0;
    fixture.receiver.respond = () => 200;
  });
  return fixture;
}
