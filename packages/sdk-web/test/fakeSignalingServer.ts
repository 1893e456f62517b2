/**
 * A scripted stand-in for the server's signaling endpoint (`/v1/rtc` over a real WebSocket), for
 * SDK tests that need no media: it records what the client sends, answers requests the way the
 * protocol says (joined, resumed, ok, token-renewed, pong) and lets a test push any server message
 * or drop the socket. Tests override answers through `respond`.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, RemoteUser, ServerMessage } from '@parley/protocol';

export interface FakeSignalingServer {
  /** http:// base URL, as a client's `server` option takes it. */
  url: string;
  received: ClientMessage[];
  sockets: WebSocket[];
  /** The users `joined` and `resumed` list. */
  users: RemoteUser[];
  /** Return true to answer a message yourself instead of the default answer. */
  respond: (message: ClientMessage, socket: WebSocket) => boolean;
  /** Resolves with the next message of `type` (or one already received and not yet taken). */
  next<T extends ClientMessage['type']>(type: T): Promise<Extract<ClientMessage, { type: T }>>;
  /** Sends to the most recent socket. */
  send(message: ServerMessage): void;
  /** Kills the most recent socket without a closing handshake, as a network failure would. */
  dropSocket(): void;
  close(): Promise<void>;
}

export async function startFakeSignalingServer(): Promise<FakeSignalingServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/v1/rtc' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  const waiting: Array<{ type: string; resolve: (message: ClientMessage) => void }> = [];
  const untaken: ClientMessage[] = [];

  const server: FakeSignalingServer = {
    url: `http://127.0.0.1:${port}`,
    received: [],
    sockets: [],
    users: [],
    respond: () => false,
    next(type) {
      const index = untaken.findIndex((message) => message.type === type);
      if (index >= 0) return Promise.resolve(untaken.splice(index, 1)[0] as never);
      return new Promise((resolve) => waiting.push({ type, resolve: resolve as (message: ClientMessage) => void }));
    },
    send(message) {
      server.sockets.at(-1)?.send(JSON.stringify(message));
    },
    dropSocket() {
      server.sockets.at(-1)?.terminate();
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };

  const reply = (socket: WebSocket, message: ServerMessage) => socket.send(JSON.stringify(message));

  wss.on('connection', (socket) => {
    server.sockets.push(socket);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ClientMessage;
      server.received.push(message);
      const waiter = waiting.findIndex((entry) => entry.type === message.type);
      if (waiter >= 0) waiting.splice(waiter, 1)[0]!.resolve(message);
      else if (message.type !== 'ping') untaken.push(message);
      if (server.respond(message, socket)) return;
      switch (message.type) {
        case 'ping':
          reply(socket, { type: 'pong' });
          break;
        case 'join':
          reply(socket, {
            type: 'joined',
            requestId: message.requestId,
            uid: message.uid ?? 4242,
            sessionId: 'session-1',
            resumeToken: 'resume-secret',
            users: server.users,
            tokenExpiresAt: 2_000_000_000,
          });
          break;
        case 'resume':
          reply(socket, { type: 'resumed', requestId: message.requestId, uid: 4242, users: server.users });
          break;
        case 'renew-token':
          reply(socket, { type: 'token-renewed', requestId: message.requestId, tokenExpiresAt: 2_100_000_000 });
          break;
        case 'unpublish':
        case 'subscribe':
        case 'unsubscribe':
        case 'set-role':
          reply(socket, { type: 'ok', requestId: message.requestId });
          break;
        default:
          break;
      }
    });
  });
  return server;
}
