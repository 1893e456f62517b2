/**
 * A signaling WebSocket that sends whatever it is told, well-formed or not: the hostile client of
 * the abuse tests. Records every server message and the close code.
 */
import { WebSocket, type ClientOptions } from 'ws';
import type { ServerMessage } from '@parley/protocol';

export class RawSignalingSocket {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;
  #nextId = 0;

  /** `options`: a CA to trust over wss, headers a reverse proxy would add (`X-Forwarded-For`). */
  constructor(baseUrl: string, options: ClientOptions = {}) {
    this.ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/v1/rtc', options);
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.closed = new Promise((resolve) => this.ws.once('close', (code) => resolve((this.closeCode = code))));
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      try {
        this.messages.push(JSON.parse(String(data)) as ServerMessage);
      } catch {
        // The server only sends JSON; a test asserting on messages will show what came.
      }
    });
  }

  static async open(baseUrl: string, options: ClientOptions = {}): Promise<RawSignalingSocket> {
    const socket = new RawSignalingSocket(baseUrl, options);
    await socket.opened;
    return socket;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  sendRaw(data: string | Buffer): void {
    if (this.isOpen) this.ws.send(data);
  }

  send(message: object): void {
    this.sendRaw(JSON.stringify(message));
  }

  /** Sends a message with a fresh requestId and resolves with the reply that echoes it. */
  request(message: object, timeoutMs = 10_000): Promise<ServerMessage> {
    const requestId = `q${++this.#nextId}`;
    const started = this.messages.length;
    this.send({ ...message, requestId });
    return this.waitFor((m) => 'requestId' in m && m.requestId === requestId, timeoutMs, started);
  }

  /** Resolves with the first message (from index `from` on) that matches. */
  async waitFor(match: (message: ServerMessage) => boolean, timeoutMs = 10_000, from = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages.slice(-5))}`);
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) before a matching message`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async waitForClose(timeoutMs = 10_000): Promise<number> {
    return Promise.race([
      this.closed,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs)),
    ]);
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
  }
}
