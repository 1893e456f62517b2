/**
 * One signaling WebSocket: opens it, sends requests and matches their replies (RequestTracker),
 * pings every KEEPALIVE_INTERVAL_MS, hands every other server message to `onNotice`, and reports
 * an unexpected end once through `onClose` — including a socket that stays open but goes silent
 * (no message for three keepalive intervals), which browsers may take minutes to notice.
 */
import { gatewayUnreachable, socketClosed } from '../errors.ts';
import { KEEPALIVE_INTERVAL_MS } from '../protocolConstants.ts';
import type { ClientMessage, OutgoingRequest, ReplyTo, RequestType, ServerMessage } from './messages.ts';
import { RequestTracker } from './requestTracker.ts';
import { ServerClock } from './serverClock.ts';

const OPEN_TIMEOUT_MS = 10_000;
const SILENCE_CHECKS_PER_INTERVAL = 4;

export interface SocketEnd {
  code: number;
  reason: string;
  /** True when the SDK gave up on a socket that had gone silent. */
  silent: boolean;
  /** When the server was last heard on this socket: for a silent end, when it was in fact lost. */
  lastHeardAt: number;
}

export interface SignalingSocketOptions {
  openTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** Shared across the sockets of one session, so a reconnect keeps the best sample. */
  clock?: ServerClock;
}

export class SignalingSocket {
  /** Server messages that are not replies to a request (events, offers, kicks, unrelated errors). */
  onNotice: (message: ServerMessage) => void = () => {};
  /** The socket ended without `close()` being called: the server closed it, or the network failed. */
  onClose: (end: SocketEnd) => void = () => {};

  #ws: WebSocket;
  #tracker: RequestTracker;
  #keepalive: ReturnType<typeof setInterval>;
  #lastHeard = Date.now();
  #pingSentAt = 0;
  #ended = false;
  readonly clock: ServerClock;

  /** Opens a socket to `url`; rejects with CAN_NOT_GET_GATEWAY_SERVER when it cannot. */
  static open(url: string, options: SignalingSocketOptions = {}): Promise<SignalingSocket> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        ws = new WebSocket(url);
      } catch (cause) {
        reject(gatewayUnreachable(url, cause));
        return;
      }
      const timer = setTimeout(() => fail(new Error('timed out')), options.openTimeoutMs ?? OPEN_TIMEOUT_MS);
      const fail = (cause: unknown) => {
        clearTimeout(timer);
        ws.onopen = ws.onerror = ws.onclose = null;
        ws.close();
        reject(gatewayUnreachable(url, cause));
      };
      ws.onerror = () => fail(new Error('socket error'));
      ws.onclose = (event) => fail(new Error(`closed with code ${event.code}`));
      ws.onopen = () => {
        clearTimeout(timer);
        resolve(new SignalingSocket(ws, options));
      };
    });
  }

  private constructor(ws: WebSocket, options: SignalingSocketOptions) {
    this.#ws = ws;
    this.#tracker = new RequestTracker(options.requestTimeoutMs);
    ws.onmessage = (event) => this.#receive(event.data);
    ws.onerror = null;
    ws.onclose = (event) => this.#end({ code: event.code, reason: event.reason, silent: false, lastHeardAt: this.#lastHeard });
    this.clock = options.clock ?? new ServerClock();
    const interval = options.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS;
    // A first ping at once, so the server's clock is known within a round trip of connecting.
    this.#ping();
    // The server drops a socket silent for three intervals; we give up on the server likewise,
    // checking a few times an interval: a dead machine sends no reset, and every second of
    // noticing it later is a second more without media.
    let checks = 0;
    this.#keepalive = setInterval(() => {
      if (Date.now() - this.#lastHeard > 3 * interval) this.#end({ code: 4000, reason: 'server silent', silent: true, lastHeardAt: this.#lastHeard });
      else if (++checks % SILENCE_CHECKS_PER_INTERVAL === 0) this.#ping();
    }, interval / SILENCE_CHECKS_PER_INTERVAL);
  }

  #ping(): void {
    if (this.send({ type: 'ping' })) this.#pingSentAt = Date.now();
  }

  get isOpen(): boolean {
    return !this.#ended && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends a message that has no reply; false when the socket is no longer open. */
  send(message: ClientMessage): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(JSON.stringify(message));
    return true;
  }

  /** Sends a request and resolves with its reply; rejects with the server's error, TIMEOUT or WS_DISCONNECT. */
  request<T extends RequestType>(request: OutgoingRequest<T>): Promise<ReplyTo<T>> {
    if (!this.isOpen) return Promise.reject(socketClosed(request.type));
    const { message, reply } = this.#tracker.start(request);
    this.send(message);
    return reply;
  }

  /** Closes the socket on purpose: no `onClose`; waiting requests fail with WS_DISCONNECT. */
  close(code = 1000, reason = ''): void {
    if (this.#ended) return;
    this.#finish();
    this.#ws.close(code, reason);
  }

  #receive(data: unknown): void {
    this.#lastHeard = Date.now();
    if (typeof data !== 'string') return;
    let message: ServerMessage;
    try {
      message = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    if (message.type === 'pong') {
      if (typeof message.serverTime === 'number') this.clock.sample(this.#pingSentAt, this.#lastHeard, message.serverTime);
      return;
    }
    if (!this.#tracker.settle(message)) this.onNotice(message);
  }

  #end(end: SocketEnd): void {
    if (this.#ended) return;
    this.#finish();
    // A silent socket may still be OPEN: close it so a late message cannot arrive on it.
    if (end.silent) this.#ws.close(4000, 'keepalive timeout');
    this.onClose(end);
  }

  #finish(): void {
    this.#ended = true;
    clearInterval(this.#keepalive);
    this.#ws.onmessage = this.#ws.onclose = this.#ws.onerror = null;
    this.#tracker.rejectAll((type) => socketClosed(type));
  }
}
