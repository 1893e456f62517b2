/**
 * The session engine under the public client: one membership of one channel as the server sees
 * it. It owns the signaling socket, the connection state machine (join, resume after a lost
 * socket, kick, leave) and the calls waiting for CONNECTED, and it holds back server notices until
 * the state is CONNECTED so the client's events fire in a known state.
 *
 * It is apart from ParleyClient so that the client reads as what an application does (publish,
 * subscribe, remote users, statistics) and the rules of staying connected can be tested against a
 * scripted server with no media. What the session carries (peer connections, users, statistics)
 * stays with the client, which the engine tells through a SessionHost.
 */
import type { ConnectionDisconnectedReason, ConnectionState } from '../client/events.ts';
import { disconnectReasonForJoinError, disconnectReasonForKick } from '../client/leaveReasons.ts';
import { invalidOperation, isServerError, operationAborted, unexpectedResponse, type ParleyRTCError } from '../errors.ts';
import { RESUME_WINDOW_MS } from '../protocolConstants.ts';
import { resolveServer, signalingUrl } from '../serverUrl.ts';
import type { ClientMessage, OutgoingRequest, ServerMessage, ServerMessageOf } from '../signaling/messages.ts';
import { REQUEST_TIMEOUT_MS } from '../signaling/requestTracker.ts';
import { ServerClock } from '../signaling/serverClock.ts';
import { SignalingSocket } from '../signaling/signalingSocket.ts';
import { SteadyRetryPolicy, type ReconnectPolicy } from './reconnectPolicy.ts';

/** The users the server lists in `joined` and `resumed`. */
export type SessionUsers = ServerMessageOf<'joined'>['users'];

/** What the engine tells the client; every call is synchronous, in the order the comments give. */
export interface SessionHost {
  /** The server accepted the join: set up what the session carries, before the state turns CONNECTED. */
  started(): void;
  /** Right after CONNECTED at join: everyone already in the channel. */
  joined(users: SessionUsers): void;
  /** Right after CONNECTED again on a new socket: who is in the channel now. */
  resumed(users: SessionUsers): void;
  /** TURN servers with fresh credentials from the server: at join (before `started`), resume and token renewal. */
  iceServers(servers: RTCIceServer[]): void;
  /** A server notice other than a kick, only ever while CONNECTED. */
  notice(message: ServerMessage): void;
  /** The session is over (leave, kick, failed join or resume): drop what it carried, firing no user events. */
  ended(): void;
  /** Every state change; `reason` comes with DISCONNECTED. */
  stateChanged(next: ConnectionState, previous: ConnectionState, reason?: ConnectionDisconnectedReason): void;
}

export interface SessionEngineOptions {
  /** http(s) base URL of the Parley server; default ParleyRTC.setServer(), else the page's origin. */
  server?: string;
  /** When to try again after a failed resume; default SteadyRetryPolicy. */
  reconnectPolicy?: ReconnectPolicy;
}

interface StateWaiter {
  resolve(): void;
  reject(error: ParleyRTCError): void;
}

/** A cluster sends a join on at most once (to the channel's node); more means nodes disagree. */
const MAX_REDIRECTS = 3;

export class SessionEngine {
  /** The server's clock, learned from keepalive pongs on every socket of the session. */
  readonly clock = new ServerClock();
  #host: SessionHost;
  #server: string | undefined;
  #reconnectPolicy: ReconnectPolicy;
  #state: ConnectionState = 'DISCONNECTED';
  #epoch = 0;
  #uid: number | string | undefined;
  #channel: string | undefined;
  #session: { sessionId: string; resumeToken: string; url: string } | undefined;
  #tokenExpiresAt: number | undefined;
  #socket: SignalingSocket | undefined;
  #stateWaiters: StateWaiter[] = [];
  #buffered: ServerMessage[] = [];

  constructor(host: SessionHost, options: SessionEngineOptions = {}) {
    this.#host = host;
    this.#server = options.server;
    this.#reconnectPolicy = options.reconnectPolicy ?? new SteadyRetryPolicy();
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** Bumped whenever a session ends (leave, kick, failed join or resume): async work started under an older epoch stops. */
  get epoch(): number {
    return this.#epoch;
  }

  get uid(): number | string | undefined {
    return this.#uid;
  }

  get channel(): string | undefined {
    return this.#channel;
  }

  /** Unix seconds when the current token expires (known after join). */
  get tokenExpiresAt(): number | undefined {
    return this.#tokenExpiresAt;
  }

  /** The open socket, if any, without waiting (undefined while reconnecting). */
  get socket(): SignalingSocket | undefined {
    return this.#socket;
  }

  /** Sends a message that has no reply on the current socket; dropped when there is none. */
  send(message: ClientMessage): void {
    this.#socket?.send(message);
  }

  // ---------------------------------------------------------------- joining and leaving

  /**
   * Opens a socket and joins with `request`; resolves with the uid once CONNECTED. In a cluster
   * the node reached may send the client to the node that hosts the channel (`redirect`): the
   * same join goes there, at most MAX_REDIRECTS times.
   */
  async join(request: OutgoingRequest<'join'>): Promise<number | string> {
    if (this.#state !== 'DISCONNECTED') throw invalidOperation(`join() while ${this.#state}: call leave() first`);
    let url = signalingUrl(resolveServer(this.#server));
    const epoch = ++this.#epoch;
    this.#setState('CONNECTING');
    try {
      for (let redirects = 0; ; redirects++) {
        const socket = await SignalingSocket.open(url, { clock: this.clock });
        if (epoch !== this.#epoch) {
          socket.close();
          throw operationAborted('join()');
        }
        this.#attach(socket);
        const reply = await socket.request(request);
        if (epoch !== this.#epoch) throw operationAborted('join()');
        if (reply.type === 'redirect') {
          // Detached first: the server closes this socket, which is not a lost session.
          this.#socket = undefined;
          socket.close(1000, 'redirected');
          if (redirects >= MAX_REDIRECTS) throw unexpectedResponse('join', `redirect after ${MAX_REDIRECTS} redirects`);
          url = signalingUrl(reply.url);
          continue;
        }
        this.#uid = reply.uid;
        this.#channel = request.channel;
        this.#session = { sessionId: reply.sessionId, resumeToken: reply.resumeToken, url };
        this.#tokenExpiresAt = reply.tokenExpiresAt;
        if (reply.iceServers) this.#host.iceServers(reply.iceServers);
        this.#host.started();
        if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide);
        this.#setState('CONNECTED');
        this.#host.joined(reply.users);
        this.#flushBuffered();
        return reply.uid;
      }
    } catch (error) {
      if (epoch === this.#epoch) this.#end(isServerError(error) ? disconnectReasonForJoinError(error.reason) : 'NETWORK_ERROR');
      throw error;
    }
  }

  /** Tells the server this client leaves and ends the session (a no-op when already leaving or gone). */
  leave(): void {
    if (this.#state === 'DISCONNECTED' || this.#state === 'DISCONNECTING') return;
    this.#epoch++;
    this.#setState('DISCONNECTING');
    this.#socket?.send({ type: 'leave' });
    this.#teardown();
    this.#setState('DISCONNECTED', 'LEAVE');
  }

  /** Replaces the token, waiting through a reconnection. */
  async renewToken(token: string): Promise<void> {
    const socket = await this.connectedSocket('renewToken()');
    const renewed = await socket.request({ type: 'renew-token', token });
    this.#tokenExpiresAt = renewed.tokenExpiresAt;
    if (renewed.iceServers) this.#host.iceServers(renewed.iceServers);
  }

  /** The open socket, waiting through CONNECTING and RECONNECTING; rejects when not in a channel. */
  async connectedSocket(what: string): Promise<SignalingSocket> {
    if (this.#state === 'DISCONNECTED' || this.#state === 'DISCONNECTING') throw invalidOperation(`${what} needs a joined client: call join() first`);
    if (this.#state !== 'CONNECTED') {
      await new Promise<void>((resolve, reject) => this.#stateWaiters.push({ resolve, reject }));
    }
    if (!this.#socket) throw invalidOperation(`${what} needs a joined client: call join() first`);
    return this.#socket;
  }

  // ---------------------------------------------------------------- server messages

  #attach(socket: SignalingSocket): void {
    this.#socket = socket;
    socket.onNotice = (message) => this.#onNotice(message);
    socket.onClose = () => this.#onSocketLost(socket);
  }

  #onNotice(message: ServerMessage): void {
    if (message.type === 'kicked') {
      this.#onKicked(message);
      return;
    }
    if (this.#state !== 'CONNECTED') {
      this.#buffered.push(message);
      return;
    }
    this.#host.notice(message);
  }

  #flushBuffered(): void {
    const buffered = this.#buffered;
    this.#buffered = [];
    for (const message of buffered) this.#onNotice(message);
  }

  #onKicked(message: ServerMessageOf<'kicked'>): void {
    if (this.#state === 'DISCONNECTED' || this.#state === 'DISCONNECTING') return;
    this.#end(disconnectReasonForKick(message.reason));
  }

  // ---------------------------------------------------------------- losing the socket and resuming

  #onSocketLost(socket: SignalingSocket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    // While CONNECTING the join request fails with WS_DISCONNECT and join() cleans up.
    if (this.#state !== 'CONNECTED') return;
    this.#setState('RECONNECTING');
    void this.#resume(this.#epoch);
  }

  /**
   * Tries new sockets, as the reconnect policy says, until the server's resume window is over: the
   * server forgets a lost session then, so no policy can go beyond it. The media connections keep
   * running meanwhile.
   */
  async #resume(epoch: number): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const lostAt = Date.now();
    const deadline = lostAt + RESUME_WINDOW_MS;
    let retryCount = 0;
    while (epoch === this.#epoch && Date.now() < deadline) {
      const attemptStarted = Date.now();
      const remaining = deadline - attemptStarted;
      let socket: SignalingSocket | undefined;
      try {
        socket = await SignalingSocket.open(session.url, { openTimeoutMs: remaining, requestTimeoutMs: Math.min(REQUEST_TIMEOUT_MS, remaining), clock: this.clock });
        if (epoch !== this.#epoch) {
          socket.close();
          return;
        }
        this.#attach(socket);
        const resumed = await socket.request({ type: 'resume', sessionId: session.sessionId, resumeToken: session.resumeToken });
        if (epoch !== this.#epoch) return;
        if (resumed.iceServers) this.#host.iceServers(resumed.iceServers);
        this.#setState('CONNECTED');
        this.#host.resumed(resumed.users);
        this.#flushBuffered();
        return;
      } catch (error) {
        if (epoch !== this.#epoch) return;
        if (socket && this.#socket === socket) this.#socket = undefined;
        socket?.close();
        const now = Date.now();
        const delay = this.#reconnectPolicy.nextRetryDelayMs({ retryCount: ++retryCount, elapsedMs: now - lostAt, lastAttemptMs: now - attemptStarted, error });
        if (delay === null) break;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
    if (epoch !== this.#epoch) return;
    this.#end('NETWORK_ERROR');
  }

  #onPageHide = (): void => {
    // Tell the server now, so the others see us leave at once rather than after the resume window.
    this.leave();
  };

  // ---------------------------------------------------------------- ending and states

  /** Ends the session without leaving (kicked, or join or resume failed). */
  #end(reason: ConnectionDisconnectedReason): void {
    this.#epoch++;
    this.#teardown();
    this.#setState('DISCONNECTED', reason);
  }

  /** Ends everything of the current session without firing user events. */
  #teardown(): void {
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.#onPageHide);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'leave');
    this.#host.ended();
    this.#buffered = [];
    this.#session = undefined;
    this.#uid = undefined;
    this.#channel = undefined;
    this.#tokenExpiresAt = undefined;
  }

  #setState(next: ConnectionState, reason?: ConnectionDisconnectedReason): void {
    const previous = this.#state;
    if (previous === next) return;
    this.#state = next;
    if (next === 'CONNECTED' || next === 'DISCONNECTED' || next === 'DISCONNECTING') {
      const waiters = this.#stateWaiters;
      this.#stateWaiters = [];
      for (const waiter of waiters) {
        if (next === 'CONNECTED') waiter.resolve();
        else waiter.reject(operationAborted('The operation'));
      }
    }
    this.#host.stateChanged(next, previous, reason);
  }
}
