/**
 * The server's end of one signaling WebSocket, as the rest of rtc/ sees it: send a message,
 * close with a code. Keeps Room and Participant free of socket details.
 */
import { SIGNALING_CLOSE_CODES, type ServerMessage } from '@parley/protocol';
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

/** WebSocket close codes Parley uses, as the protocol publishes them. */
export const CloseCode = SIGNALING_CLOSE_CODES;

/** A participant with no client of its own (a recorder, a user relayed from another node): nothing to send to, nothing to close. */
export const DETACHED_PEER: SignalingPeer = { send: () => {}, close: () => {}, ping: () => {}, terminate: () => {}, remoteAddress: '' };

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
