/**
 * The server's end of one signaling WebSocket, as the rest of rtc/ sees it: send a message,
 * close with a code. Keeps Room and Participant free of socket details.
 */
import { SIGNALING_CLOSE_CODES, type ServerMessage } from '@parley/protocol';
import type { Writable } from 'node:stream';
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

/**
 * A broadcast hands the same message object to every member: it is serialised once. Messages are
 * built for one send or one broadcast and not changed afterwards.
 */
const serialized = new WeakMap<ServerMessage, string>();
function serialize(message: ServerMessage): string {
  let text = serialized.get(message);
  if (text === undefined) {
    text = JSON.stringify(message);
    serialized.set(message, text);
  }
  return text;
}

/**
 * `stream` is the TCP (or TLS) connection under `socket`. The messages sent to it in one turn of
 * the event loop leave in one write: a channel's news goes to every member as it happens, so under
 * a burst of joins each member is sent several messages a turn, and a system call for each was
 * the largest cost of a join after the handshakes (bench:joins).
 *
 * Why not wait longer than a turn: holding news back for 40 ms to share writes (3.5 times fewer
 * writes in bench:joins) changed when clients moving between nodes heard it against their
 * redirects, and a failover then reported users' tracks as published anew (failover.test).
 */
export function wrapSocket(socket: WebSocket, remoteAddress: string, stream: Writable): SignalingPeer {
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  return {
    remoteAddress,
    send(message) {
      if (socket.readyState !== socket.OPEN) return;
      if (!corked) {
        corked = true;
        stream.cork();
        setImmediate(uncork);
      }
      socket.send(serialize(message));
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
