/**
 * The session engine against the scripted signaling server, with a host that records what the
 * engine tells the client. Waiting for the resume window uses fake clocks: the sockets stay real.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';
import { startFakeSignalingServer, type FakeSignalingServer } from '../../test/fakeSignalingServer.ts';
import type { ConnectionState } from '../client/events.ts';
import type { ClientMessage, OutgoingRequest } from '../signaling/messages.ts';
import { FAILOVER_AFTER_MS } from './clusterNodes.ts';
import { SteadyRetryPolicy, type ReconnectContext, type ReconnectPolicy } from './reconnectPolicy.ts';
import { SessionEngine, type SessionHost } from './sessionEngine.ts';

const JOIN: OutgoingRequest<'join'> = { type: 'join', appId: '0123456789abcdef0123456789abcdef', channel: 'room', token: '007token', uid: 1, mode: 'rtc', platform: 'web' };
// Captured before any test fakes the clock: waiting for real sockets needs real time.
const realSetTimeout = globalThis.setTimeout;

function recordingHost(): { host: SessionHost; calls: string[] } {
  const calls: string[] = [];
  const host: SessionHost = {
    started: () => calls.push('started'),
    iceServers: (servers) => calls.push(`iceServers ${servers.map((server) => server.username).join(',')}`),
    joined: (users) => calls.push(`joined [${users.map((user) => user.uid).join(',')}]`),
    resumed: (users) => calls.push(`resumed [${users.map((user) => user.uid).join(',')}]`),
    relocated: () => calls.push('relocated'),
    rejoined: (users) => calls.push(`rejoined [${users.map((user) => user.uid).join(',')}]`),
    notice: (message) => calls.push(`notice ${message.type}`),
    ended: () => calls.push('ended'),
    stateChanged: (next, previous, reason) => calls.push(`${previous}->${next}${reason ? ` ${reason}` : ''}`),
  };
  return { host, calls };
}

/** A policy that remembers what it was asked and answers as `answer` says (default: as SteadyRetryPolicy). */
function recordingPolicy(answer: (context: ReconnectContext) => number | null = (context) => new SteadyRetryPolicy().nextRetryDelayMs(context)) {
  const asked: ReconnectContext[] = [];
  const policy: ReconnectPolicy = {
    nextRetryDelayMs(context) {
      asked.push(context);
      return answer(context);
    },
  };
  return { policy, asked };
}

function realPause(ms: number): Promise<void> {
  return new Promise((resolve) => realSetTimeout(resolve, ms));
}

/** Waits in real time for `condition` (a fake clock, if any, stands still meanwhile). */
async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > timeoutMs) throw new Error('condition not met in time');
    await realPause(5);
  }
}

/** Moves the fake clock on by `ms` in small steps, letting the real sockets work between steps. */
async function elapse(ms: number): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += 100) {
    await vi.advanceTimersByTimeAsync(Math.min(100, ms - elapsed));
    await realPause(2);
  }
}

function resumesReceived(server: FakeSignalingServer): number {
  return server.received.filter((message) => message.type === 'resume').length;
}

describe('SessionEngine', () => {
  let server: FakeSignalingServer;
  let engine: SessionEngine;
  let calls: string[];

  async function joinedEngine(policy?: ReconnectPolicy): Promise<void> {
    const recorded = recordingHost();
    calls = recorded.calls;
    engine = new SessionEngine(recorded.host, { server: server.url, ...(policy ? { reconnectPolicy: policy } : {}) });
    await engine.join(JOIN);
    calls.length = 0;
  }

  const stateIs = (state: ConnectionState) => () => engine.state === state;

  beforeEach(async () => {
    server = await startFakeSignalingServer();
  });
  afterEach(async () => {
    vi.useRealTimers();
    engine?.leave();
    await server.close();
  });

  it('sets the session up before it turns CONNECTED, then lists who is there', async () => {
    server.users = [{ uid: 7, role: 'host', published: [], muted: { audio: false, video: false } }];
    const { host, calls: seen } = recordingHost();
    engine = new SessionEngine(host, { server: server.url });
    await expect(engine.join(JOIN)).resolves.toBe(1);
    expect(seen).toEqual(['DISCONNECTED->CONNECTING', 'started', 'CONNECTING->CONNECTED', 'joined [7]']);
    expect({ uid: engine.uid, channel: engine.channel, tokenExpiresAt: engine.tokenExpiresAt }).toEqual({ uid: 1, channel: 'room', tokenExpiresAt: 2_000_000_000 });
  });

  it('ends a refused join with the reason its code gives', async () => {
    server.respond = (message, socket) => {
      if (message.type !== 'join') return false;
      socket.send(JSON.stringify({ type: 'error', requestId: message.requestId, code: 'banned', message: 'banned' }));
      return true;
    };
    const { host, calls: seen } = recordingHost();
    engine = new SessionEngine(host, { server: server.url });
    await expect(engine.join(JOIN)).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'banned' });
    expect(seen).toEqual(['DISCONNECTED->CONNECTING', 'ended', 'CONNECTING->DISCONNECTED UID_BANNED']);
    expect(engine.uid).toBeUndefined();
  });

  it('resumes on the second attempt, a second after the first failed', async () => {
    const { policy, asked } = recordingPolicy();
    await joinedEngine(policy);
    // The first resume loses its socket before the answer; the second is answered as usual.
    server.respond = (message, socket) => {
      if (message.type !== 'resume' || resumesReceived(server) > 1) return false;
      socket.terminate();
      return true;
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server.dropSocket();
    await until(() => asked.length === 1);
    expect(asked[0]).toMatchObject({ retryCount: 1, elapsedMs: 0, lastAttemptMs: 0, error: expect.objectContaining({ code: 'WS_DISCONNECT' }) });
    expect(server.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(999);
    expect(server.sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await until(stateIs('CONNECTED'));
    expect(resumesReceived(server)).toBe(2);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'RECONNECTING->CONNECTED', 'resumed []']);
  });

  it('gives up when the resume window runs out and ends DISCONNECTED with NETWORK_ERROR', async () => {
    await joinedEngine();
    server.respond = (message) => message.type === 'resume'; // heard, never answered
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server.dropSocket();
    await until(() => resumesReceived(server) === 1);
    // Each attempt waits at most 10 s for its answer; the second gets what is left of the 20 s window.
    await elapse(10_100);
    await until(() => resumesReceived(server) === 2);
    await elapse(9_800);
    expect(engine.state).toBe('RECONNECTING');
    await elapse(1_000);
    await until(stateIs('DISCONNECTED'));
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'ended', 'RECONNECTING->DISCONNECTED NETWORK_ERROR']);
    expect(resumesReceived(server)).toBe(2);
    expect(engine.uid).toBeUndefined();
  });

  it('follows a custom policy: its delays between attempts, and its giving up', async () => {
    const { policy, asked } = recordingPolicy((context) => (context.retryCount < 3 ? 20 : null));
    await joinedEngine(policy);
    server.respond = (message, socket) => {
      if (message.type !== 'resume') return false;
      socket.terminate();
      return true;
    };
    server.dropSocket();
    await until(stateIs('DISCONNECTED'));
    expect(asked.map((context) => context.retryCount)).toEqual([1, 2, 3]);
    expect(resumesReceived(server)).toBe(3);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'ended', 'RECONNECTING->DISCONNECTED NETWORK_ERROR']);
  });

  it('asks the policy even when the server refused, so a custom policy may try again', async () => {
    const { policy, asked } = recordingPolicy(() => 10);
    await joinedEngine(policy);
    server.respond = (message, socket) => {
      if (message.type !== 'resume' || resumesReceived(server) > 1) return false;
      socket.send(JSON.stringify({ type: 'error', requestId: message.requestId, code: 'internal', message: 'try later' }));
      return true;
    };
    server.dropSocket();
    await until(() => calls.includes('RECONNECTING->CONNECTED'));
    expect(asked).toHaveLength(1);
    expect(asked[0]!.error).toMatchObject({ reason: 'internal' });
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'RECONNECTING->CONNECTED', 'resumed []']);
  });

  it('holds back notices that arrive while reconnecting and delivers them once CONNECTED', async () => {
    await joinedEngine();
    server.respond = (message, socket) => {
      if (message.type !== 'resume') return false;
      socket.send(JSON.stringify({ type: 'user-published', uid: 7, kind: 'video' }));
      socket.send(JSON.stringify({ type: 'token-privilege-will-expire', expiresAt: 2_000_000_000 }));
      socket.send(JSON.stringify({ type: 'resumed', requestId: message.requestId, uid: 1, users: [] }));
      return true;
    };
    server.dropSocket();
    await until(() => calls.length === 5);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'RECONNECTING->CONNECTED', 'resumed []', 'notice user-published', 'notice token-privilege-will-expire']);
  });

  it('lets calls wait through RECONNECTING, and aborts them when the session ends meanwhile', async () => {
    await joinedEngine();
    server.respond = (message) => message.type === 'resume';
    server.dropSocket();
    await until(stateIs('RECONNECTING'));
    const waiting = engine.connectedSocket('renewToken()');
    engine.leave();
    await expect(waiting).rejects.toMatchObject({ code: 'OPERATION_ABORTED' });
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'RECONNECTING->DISCONNECTING', 'ended', 'DISCONNECTING->DISCONNECTED LEAVE']);
    await expect(engine.connectedSocket('renewToken()')).rejects.toMatchObject({ code: 'INVALID_OPERATION' });
  });

  it('ends the session with the kick\'s reason, bumping the epoch', async () => {
    await joinedEngine();
    const epoch = engine.epoch;
    server.send({ type: 'kicked', reason: 12, message: 'token expired' });
    await until(stateIs('DISCONNECTED'));
    expect(calls).toEqual(['ended', 'CONNECTED->DISCONNECTED TOKEN_EXPIRED']);
    expect(engine.epoch).toBeGreaterThan(epoch);
  });
});

/** A node of a scripted cluster: its `joined` lists `nodes()`, this node first. */
function clusterNode(server: FakeSignalingServer, nodes: () => string[]): void {
  server.respond = (message, socket) => {
    if (message.type !== 'join') return false;
    reply(socket, { type: 'joined', requestId: message.requestId, uid: message.uid ?? 4242, sessionId: `session-${server.url}`, resumeToken: 'resume-secret', users: server.users, tokenExpiresAt: 2_000_000_000, nodes: nodes() });
    return true;
  };
}

function reply(socket: WebSocket, message: object): void {
  socket.send(JSON.stringify(message));
}

function joinsReceived(server: FakeSignalingServer): Array<Extract<ClientMessage, { type: 'join' }>> {
  return server.received.filter((message) => message.type === 'join');
}

/** The URL of a port nothing listens on (a server started and closed), as a dead node's. */
async function deadNodeUrl(): Promise<string> {
  const gone = await startFakeSignalingServer();
  await gone.close();
  return gone.url;
}

describe('SessionEngine in a cluster', () => {
  let nodes: FakeSignalingServer[];
  let engine: SessionEngine | undefined;

  beforeEach(async () => {
    nodes = await Promise.all([startFakeSignalingServer(), startFakeSignalingServer()]);
  });
  afterEach(async () => {
    engine?.leave();
    engine = undefined;
    await Promise.all(nodes.map((node) => node.close()));
  });

  it('joins through the next node of the list when one cannot be reached', async () => {
    const dead = await deadNodeUrl();
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: [dead, nodes[0]!.url, nodes[1]!.url] });
    await expect(engine.join(JOIN)).resolves.toBe(1);
    expect(calls).toEqual(['DISCONNECTED->CONNECTING', 'started', 'CONNECTING->CONNECTED', 'joined []']);
    expect([joinsReceived(nodes[0]!).length, joinsReceived(nodes[1]!).length]).toEqual([1, 0]);
  });

  it('follows a redirect from the node the list led to', async () => {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    a.respond = (message, socket) => {
      if (message.type !== 'join') return false;
      reply(socket, { type: 'redirect', requestId: message.requestId, url: b.url, nodeId: 'node-b' });
      socket.close(4010, 'redirected');
      return true;
    };
    clusterNode(b, () => [b.url, a.url]);
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: [await deadNodeUrl(), a.url] });
    await engine.join(JOIN);
    expect(calls).toEqual(['DISCONNECTED->CONNECTING', 'started', 'CONNECTING->CONNECTED', 'joined []']);
    expect(joinsReceived(b)).toEqual([expect.objectContaining({ channel: 'room', uid: 1, token: '007token' })]);
  });

  it('does not try the next node when the server refuses the join', async () => {
    nodes[0]!.respond = (message, socket) => {
      if (message.type !== 'join') return false;
      reply(socket, { type: 'error', requestId: message.requestId, code: 'invalid_token', message: 'invalid token' });
      return true;
    };
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: [nodes[0]!.url, nodes[1]!.url] });
    await expect(engine.join(JOIN)).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER', reason: 'invalid_token' });
    expect(calls.at(-1)).toBe('CONNECTING->DISCONNECTED SERVER_ERROR');
    expect(joinsReceived(nodes[1]!)).toHaveLength(0);
  });

  it('moves the session to another node the joined answer listed when its own dies, staying RECONNECTING until CONNECTED there', async () => {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    clusterNode(a, () => [a.url, b.url]);
    clusterNode(b, () => [b.url]);
    b.users = [{ uid: 7, role: 'host', published: ['video'], muted: { audio: false, video: false } }];
    const { host, calls } = recordingHost();
    // Only node A configured: node B is known from A's joined answer.
    engine = new SessionEngine(host, { server: a.url });
    await engine.join({ ...JOIN, uid: undefined, mode: 'live', role: 'host' });
    // Changed during the call: the join on the next node carries them.
    await engine.renewToken('007renewed');
    engine.amendRejoin({ role: 'audience' });
    calls.length = 0;
    const killedAt = performance.now();
    await a.close();
    await until(() => engine!.state === 'RECONNECTING');
    await until(() => engine!.state === 'CONNECTED', 10_000);
    const movedAfter = performance.now() - killedAt;
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'relocated', 'RECONNECTING->CONNECTED', 'rejoined [7]']);
    expect(movedAfter).toBeGreaterThanOrEqual(FAILOVER_AFTER_MS - 50);
    expect(movedAfter).toBeLessThan(FAILOVER_AFTER_MS + 1_500);
    // The same user (the uid the server chose the first time) with the latest token and role.
    expect(joinsReceived(b)).toEqual([expect.objectContaining({ channel: 'room', uid: 4242, token: '007renewed', role: 'audience' })]);
    // The session now lives on B: a later lost socket resumes there.
    b.dropSocket();
    await until(() => resumesReceived(b) === 1 && engine!.state === 'CONNECTED');
    expect(await b.next('resume')).toMatchObject({ sessionId: `session-${b.url}` });
  });

  it('joins again at once when the node is up but no longer knows the session', async () => {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    clusterNode(a, () => [a.url, b.url]);
    clusterNode(b, () => [b.url, a.url]);
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: a.url });
    await engine.join(JOIN);
    calls.length = 0;
    const previous = a.respond;
    a.respond = (message, socket) => {
      if (message.type !== 'resume') return previous(message, socket);
      reply(socket, { type: 'error', requestId: message.requestId, code: 'session_not_found', message: 'restarted' });
      return true;
    };
    const lostAt = performance.now();
    a.dropSocket();
    await until(() => engine!.state === 'CONNECTED' && calls.length === 4);
    expect(performance.now() - lostAt).toBeLessThan(1_000);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'relocated', 'RECONNECTING->CONNECTED', 'rejoined []']);
    expect(joinsReceived(b)).toHaveLength(1);
  });

  /** A session on node A (B the other node, user 7 with it) that A sends away with `sendAway`: it is on B within a second, reporting only the move. */
  async function expectMovedAtOnce(sendAway: (a: FakeSignalingServer) => Promise<void>): Promise<void> {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    clusterNode(a, () => [a.url, b.url]);
    a.users = [{ uid: 7, role: 'host', published: [], muted: { audio: false, video: false } }];
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: a.url });
    await engine.join(JOIN);
    calls.length = 0;
    const sentAwayAt = performance.now();
    await sendAway(a);
    await until(() => calls.length === 4);
    expect(performance.now() - sentAwayAt).toBeLessThan(1_000);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'relocated', 'RECONNECTING->CONNECTED', 'rejoined []']);
    expect(joinsReceived(b)).toHaveLength(1);
  }

  it('moves at once when its node shuts down and sends it away (kicked, reason 4); without a cluster that ends the session', async () => {
    await expectMovedAtOnce(async (a) => a.send({ type: 'kicked', reason: 4, message: 'The server is shutting down' }));
    const b = nodes[1]!;

    // A server without a cluster lists no nodes: nowhere to go.
    const single = recordingHost();
    const unclustered = new SessionEngine(single.host, { server: b.url });
    b.respond = () => false;
    await unclustered.join({ ...JOIN, uid: 2 });
    single.calls.length = 0;
    b.send({ type: 'kicked', reason: 4, message: 'The server is shutting down' });
    await until(() => unclustered.state === 'DISCONNECTED');
    expect(single.calls).toEqual(['ended', 'CONNECTED->DISCONNECTED SERVER_KICKED']);
  });

  it('moves at once when its node sends it away (socket closed with 1001), dropping the leaves of the others it sent away just before', async () => {
    await expectMovedAtOnce(async (a) => {
      // As a draining node does: user 7 was sent away first, then this client (no `notice user-left` above).
      a.send({ type: 'user-left', uid: 7, reason: 4 });
      await realPause(50);
      a.sockets.at(-1)!.close(1001, 'This node is leaving the cluster');
    });
  });

  it('delivers a leave of reason 4, and the notices after it, a moment late and in order when this client stays', async () => {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    clusterNode(a, () => [a.url, b.url]);
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: a.url });
    await engine.join(JOIN);
    calls.length = 0;
    a.send({ type: 'user-published', uid: 8, kind: 'audio' });
    a.send({ type: 'user-left', uid: 7, reason: 4 });
    a.send({ type: 'user-unpublished', uid: 8, kind: 'audio' });
    await realPause(200);
    expect(calls).toEqual(['notice user-published']);
    await until(() => calls.length === 3, 3_000);
    expect(calls).toEqual(['notice user-published', 'notice user-left', 'notice user-unpublished']);
    // An ordinary leave is not held.
    a.send({ type: 'user-left', uid: 8, reason: 1 });
    await until(() => calls.length === 4, 500);
  });

  it('ends the session, without trying further nodes, when the node it moves to refuses the join', async () => {
    const [a, b] = nodes as [FakeSignalingServer, FakeSignalingServer];
    clusterNode(a, () => [a.url, b.url]);
    b.respond = (message, socket) => {
      if (message.type !== 'join') return false;
      reply(socket, { type: 'error', requestId: message.requestId, code: 'banned', message: 'banned' });
      return true;
    };
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: a.url });
    await engine.join(JOIN);
    calls.length = 0;
    await a.close();
    await until(() => engine!.state === 'DISCONNECTED', 10_000);
    expect(calls).toEqual(['CONNECTED->RECONNECTING', 'ended', 'RECONNECTING->DISCONNECTED UID_BANNED']);
    expect(joinsReceived(b)).toHaveLength(1);
  });

  it('without a cluster, a dead server is resumed until the window ends, as before', async () => {
    const { host, calls } = recordingHost();
    engine = new SessionEngine(host, { server: nodes[0]!.url });
    await engine.join(JOIN);
    calls.length = 0;
    await nodes[0]!.close();
    await new Promise((resolve) => setTimeout(resolve, FAILOVER_AFTER_MS + 500));
    expect(engine.state).toBe('RECONNECTING');
    expect(calls).toEqual(['CONNECTED->RECONNECTING']);
    expect(joinsReceived(nodes[1]!)).toHaveLength(0);
  });
});
