/**
 * The session engine under the public client: one membership of one channel as the server sees
 * it. It owns the signaling socket, the connection state machine (join, resume after a lost
 * socket, kick, leave) and the calls waiting for CONNECTED, and it holds back server notices until
 * the state is CONNECTED so the client's events fire in a known state.
 *
 * In a cluster (several server nodes), a session whose node cannot be reached for FAILOVER_AFTER_MS
 * joins again through another node (session/clusterNodes.ts) and stays RECONNECTING meanwhile; the
 * client then makes its media connections anew there.
 *
 * It is apart from ParleyClient so that the client reads as what an application does (publish,
 * subscribe, remote users, statistics) and the rules of staying connected can be tested against a
 * scripted server with no media. What the session carries (peer connections, users, statistics)
 * stays with the client, which the engine tells through a SessionHost.
 */
import type { ConnectionDisconnectedReason, ConnectionState } from '../client/events.ts';
import { disconnectReasonForJoinError, disconnectReasonForKick } from '../client/leaveReasons.ts';
import { invalidOperation, isServerError, operationAborted, unexpectedResponse, type ParleyRTCError } from '../errors.ts';
import { LeaveReason, RESUME_WINDOW_MS, SIGNALING_CLOSE_CODES } from '../protocolConstants.ts';
import { resolveServers, signalingUrl, type ServerSetting } from '../serverUrl.ts';
import type { ClientMessage, OutgoingRequest, ServerMessage, ServerMessageOf } from '../signaling/messages.ts';
import { REQUEST_TIMEOUT_MS } from '../signaling/requestTracker.ts';
import { ServerClock } from '../signaling/serverClock.ts';
import { SignalingSocket, type SocketEnd } from '../signaling/signalingSocket.ts';
import { EvacuationLeaves } from './evacuationLeaves.ts';
import { FAILOVER_AFTER_MS, failoverBackoffMs, failoverTargets, JOIN_LIST_OPEN_TIMEOUT_MS, knownNodes, NODE_OPEN_TIMEOUT_MS } from './clusterNodes.ts';
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
  /** The session moved to another node of the cluster: make the media connections anew, before the state turns CONNECTED again. */
  relocated(): void;
  /** Right after CONNECTED on the new node: who is there so far (the others may still be moving too). */
  rejoined(users: SessionUsers): void;
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
  /** http(s) base URL of the Parley server, or of a cluster's nodes in order; default ParleyRTC.setServer(), else the page's origin. */
  server?: ServerSetting;
  /** When to try again after a failed resume; default SteadyRetryPolicy. */
  reconnectPolicy?: ReconnectPolicy;
}

interface StateWaiter {
  resolve(): void;
  reject(error: ParleyRTCError): void;
}

/** A cluster sends a join on at most once (to the channel's node); more means nodes disagree. */
const MAX_REDIRECTS = 3;

/** Server refusals of a join that may go away when asked again: the cluster is still settling after a node died. */
const RETRYABLE_JOIN_ERRORS = new Set(['internal', 'too_many_sessions']);

export class SessionEngine {
  /** The server's clock, learned from keepalive pongs on every socket of the session. */
  readonly clock = new ServerClock();
  #host: SessionHost;
  #server: ServerSetting | undefined;
  /** The nodes a session may move to: the cluster's, as the last `joined` listed them, and the configured ones. */
  #nodes: string[] = [];
  /** The join, as sent again when the session moves to another node (the uid the server chose, the latest token). */
  #joinRequest: OutgoingRequest<'join'> | undefined;
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
  #evacuationLeaves = new EvacuationLeaves((message) => this.#deliver(message));

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
    const servers = resolveServers(this.#server);
    const epoch = ++this.#epoch;
    this.#setState('CONNECTING');
    try {
      // With one server, the socket gets the usual open timeout; in a list, a node that hangs gives way sooner.
      const { reply, url } = await this.#joinThrough(servers, request, epoch, servers.length > 1 ? JOIN_LIST_OPEN_TIMEOUT_MS : undefined);
      this.#accept(reply, url, request, servers);
      this.#connected(
        reply.iceServers,
        () => {
          this.#host.started();
          if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide);
        },
        () => this.#host.joined(reply.users),
      );
      return reply.uid;
    } catch (error) {
      if (epoch === this.#epoch) this.#end(isServerError(error) ? disconnectReasonForJoinError(error.reason) : 'NETWORK_ERROR');
      throw error;
    }
  }

  /**
   * Sends `request` through the first of `servers` that opens a socket (a refusal by the server
   * is final: the next node would say the same) and follows redirects. The socket that answers
   * `joined` is attached; a socket that fails after opening is left to the caller to close.
   */
  async #joinThrough(servers: readonly string[], request: OutgoingRequest<'join'>, epoch: number, openTimeoutMs?: number) {
    let socket: SignalingSocket | undefined;
    let url = '';
    let unreachable: unknown;
    for (const [index, server] of servers.entries()) {
      url = signalingUrl(server);
      // The last node gets the usual timeout: there is nothing to give way to.
      const timeout = index < servers.length - 1 ? openTimeoutMs : undefined;
      try {
        socket = await SignalingSocket.open(url, { clock: this.clock, ...(timeout !== undefined ? { openTimeoutMs: timeout } : {}) });
        break;
      } catch (error) {
        if (epoch !== this.#epoch) throw operationAborted('join()');
        unreachable = error;
      }
    }
    if (!socket) throw unreachable;
    for (let redirects = 0; ; redirects++) {
      if (epoch !== this.#epoch) {
        socket.close();
        throw operationAborted('join()');
      }
      this.#attach(socket);
      const reply = await socket.request(request);
      if (epoch !== this.#epoch) throw operationAborted('join()');
      if (reply.type !== 'redirect') return { reply, url };
      // Detached first: the server closes this socket, which is not a lost session.
      this.#socket = undefined;
      socket.close(1000, 'redirected');
      if (redirects >= MAX_REDIRECTS) throw unexpectedResponse('join', `redirect after ${MAX_REDIRECTS} redirects`);
      url = signalingUrl(reply.url);
      socket = await SignalingSocket.open(url, { clock: this.clock, ...(openTimeoutMs !== undefined ? { openTimeoutMs } : {}) });
    }
  }

  /** Takes the server's `joined` as the session's: where it lives, and where it may move to. */
  #accept(reply: ServerMessageOf<'joined'>, url: string, request: OutgoingRequest<'join'>, configured: readonly string[]): void {
    this.#uid = reply.uid;
    this.#channel = request.channel;
    this.#session = { sessionId: reply.sessionId, resumeToken: reply.resumeToken, url };
    this.#tokenExpiresAt = reply.tokenExpiresAt;
    this.#joinRequest = { ...request, uid: reply.uid };
    this.#nodes = knownNodes(reply.nodes, configured);
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
    if (this.#joinRequest) this.#joinRequest = { ...this.#joinRequest, token };
    if (renewed.iceServers) this.#host.iceServers(renewed.iceServers);
  }

  /** What changed since join (the role), for a join again on another node after a failover. */
  amendRejoin(changes: Pick<OutgoingRequest<'join'>, 'role'>): void {
    if (this.#joinRequest) this.#joinRequest = { ...this.#joinRequest, ...changes };
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
    socket.onClose = (end) => this.#onSocketLost(socket, end);
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
    if (this.#canMove() && this.#evacuationLeaves.hold(message)) return;
    this.#deliver(message);
  }

  #deliver(message: ServerMessage): void {
    if (this.#state === 'CONNECTED') this.#host.notice(message);
    else this.#buffered.push(message);
  }

  /** In a cluster with another node to go to. */
  #canMove(): boolean {
    return this.#session !== undefined && failoverTargets(this.#nodes, this.#session.url).length > 0;
  }

  #flushBuffered(): void {
    const buffered = this.#buffered;
    this.#buffered = [];
    for (const message of buffered) this.#onNotice(message);
  }

  #onKicked(message: ServerMessageOf<'kicked'>): void {
    if (this.#state === 'DISCONNECTED' || this.#state === 'DISCONNECTING') return;
    // A node of a cluster that shuts down sends its clients away: they move to another node at once.
    if (message.reason === LeaveReason.serverInternal && this.#state === 'CONNECTED' && this.#canMove()) {
      const socket = this.#socket;
      this.#socket = undefined;
      socket?.close(1000, 'moving');
      this.#moveNow();
      return;
    }
    this.#end(disconnectReasonForKick(message.reason));
  }

  // ---------------------------------------------------------------- losing the socket and resuming

  #onSocketLost(socket: SignalingSocket, end: SocketEnd): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    // While CONNECTING the join request fails with WS_DISCONNECT and join() cleans up.
    if (this.#state !== 'CONNECTED') return;
    // A cluster node that drains or is fenced off closes with 1001: nothing to resume there.
    if (end.code === SIGNALING_CLOSE_CODES.shuttingDown && this.#canMove()) {
      this.#moveNow();
      return;
    }
    this.#evacuationLeaves.flush();
    this.#setState('RECONNECTING');
    // A socket that went silent was lost when the server was last heard, not when we noticed.
    void this.#resume(this.#epoch, end.silent ? end.lastHeardAt : Date.now());
  }

  /** The node sent this client away: to another node at once, as the others it sent away go too. */
  #moveNow(): void {
    this.#evacuationLeaves.drop();
    this.#setState('RECONNECTING');
    void this.#failover(this.#epoch, Date.now());
  }

  /**
   * Tries new sockets, as the reconnect policy says, until the server's resume window is over: the
   * server forgets a lost session then, so no policy can go beyond it. The media connections keep
   * running meanwhile. In a cluster, the session moves to another node instead once its own has
   * been out of reach for FAILOVER_AFTER_MS, or has forgotten the session (restarted).
   */
  async #resume(epoch: number, lostAt: number): Promise<void> {
    const session = this.#session;
    if (!session) return;
    const deadline = lostAt + RESUME_WINDOW_MS;
    const canMove = this.#canMove();
    const moveAt = lostAt + FAILOVER_AFTER_MS;
    let retryCount = 0;
    while (epoch === this.#epoch && Date.now() < deadline) {
      const attemptStarted = Date.now();
      if (canMove && attemptStarted >= moveAt) {
        void this.#failover(epoch, lostAt);
        return;
      }
      const remaining = deadline - attemptStarted;
      // In a cluster an attempt may not hang past the moment to move.
      const attemptMs = canMove ? Math.min(remaining, Math.max(NODE_OPEN_TIMEOUT_MS, moveAt - attemptStarted)) : remaining;
      let socket: SignalingSocket | undefined;
      try {
        socket = await SignalingSocket.open(session.url, { openTimeoutMs: attemptMs, requestTimeoutMs: Math.min(REQUEST_TIMEOUT_MS, attemptMs), clock: this.clock });
        if (epoch !== this.#epoch) {
          socket.close();
          return;
        }
        this.#attach(socket);
        const resumed = await socket.request({ type: 'resume', sessionId: session.sessionId, resumeToken: session.resumeToken });
        if (epoch !== this.#epoch) return;
        this.#connected(resumed.iceServers, () => {}, () => this.#host.resumed(resumed.users));
        return;
      } catch (error) {
        if (epoch !== this.#epoch) return;
        if (socket && this.#socket === socket) this.#socket = undefined;
        socket?.close();
        // The node is up and no longer knows the session (it restarted): only a new join helps.
        if (canMove && isServerError(error) && error.reason === 'session_not_found') {
          void this.#failover(epoch, lostAt);
          return;
        }
        const now = Date.now();
        const delay = this.#reconnectPolicy.nextRetryDelayMs({ retryCount: ++retryCount, elapsedMs: now - lostAt, lastAttemptMs: now - attemptStarted, error });
        if (delay === null) break;
        // The next look comes no later than the moment to move.
        await new Promise((resolve) => setTimeout(resolve, canMove && now < moveAt ? Math.min(delay, moveAt - now) : delay));
      }
    }
    if (epoch !== this.#epoch) return;
    this.#end('NETWORK_ERROR');
  }

  /**
   * Joins again, as the same user with the latest token, through the cluster's other nodes (its
   * own last: it may be back), until the resume window is over. Right after a node dies the
   * others may still send the channel to it (its heartbeat has not lapsed yet), so failures are
   * tried again after a short, growing pause. The state stays RECONNECTING throughout.
   */
  async #failover(epoch: number, lostAt: number): Promise<void> {
    const deadline = lostAt + RESUME_WINDOW_MS;
    // Notices from the old node mean nothing on the new one.
    this.#buffered = [];
    for (let attempt = 0; epoch === this.#epoch && Date.now() < deadline; attempt++) {
      const request = this.#joinRequest;
      const session = this.#session;
      if (!request || !session) return;
      try {
        const { reply, url } = await this.#joinThrough(failoverTargets(this.#nodes, session.url, true), request, epoch, NODE_OPEN_TIMEOUT_MS);
        this.#accept(reply, url, request, this.#nodes);
        this.#connected(reply.iceServers, () => this.#host.relocated(), () => this.#host.rejoined(reply.users));
        return;
      } catch (error) {
        if (epoch !== this.#epoch) return;
        const stray = this.#socket;
        this.#socket = undefined;
        stray?.close();
        if (isServerError(error) && !RETRYABLE_JOIN_ERRORS.has(error.reason)) {
          this.#end(disconnectReasonForJoinError(error.reason));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(failoverBackoffMs(attempt), Math.max(0, deadline - Date.now()))));
      }
    }
    if (epoch === this.#epoch) this.#end('NETWORK_ERROR');
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
    this.#evacuationLeaves.drop();
    this.#buffered = [];
    this.#session = undefined;
    this.#joinRequest = undefined;
    this.#uid = undefined;
    this.#channel = undefined;
    this.#tokenExpiresAt = undefined;
  }

  /**
   * The server took the session (join, resume or a move to another node): its TURN servers, then
   * `prepare` sets up what must exist before CONNECTED, `report` tells who is there, and the
   * notices held back meanwhile follow.
   */
  #connected(iceServers: RTCIceServer[] | undefined, prepare: () => void, report: () => void): void {
    if (iceServers) this.#host.iceServers(iceServers);
    prepare();
    this.#setState('CONNECTED');
    report();
    this.#flushBuffered();
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
