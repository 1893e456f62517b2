/**
 * The server's end of one signaling WebSocket, as the rest of rtc/ sees it: send a message,
 * close with a code. Keeps Room and Participant free of socket details.
 */
import type { ServerMessage } from '@parley/protocol';
import type { WebSocket } from 'ws';

export interface SignalingPeer {
  send(message: ServerMessage): void;
  /** Closes politely: the client is told the code and reason. */
  close(code: number, reason: string): void;
  /** A WebSocket-level ping; the client's pong counts as a sign of life. */
  ping(): void;
  /** Drops the connection at once, for a client that no longer answers. */
  terminate(): void;
  readonly remoteAddress: string;
}

/** WebSocket close codes Parley uses (4000-4999 is the application range). */
export const CloseCode = {
  normal: 1000,
  kicked: 4001,
  replaced: 4002,
  tokenExpired: 4003,
  invalid: 4004,
  joinRefused: 4005,
  joinTimeout: 4007,
  rateLimited: 4008,
  shuttingDown: 1001,
} as const;

export function wrapSocket(socket: WebSocket, remoteAddress: string): SignalingPeer {
  return {
    remoteAddress,
    send(message) {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    },
    ping() {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    terminate() {
      socket.terminate();
    },
  };
}
