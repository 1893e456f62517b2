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
 * News of other members (who joined, left, published, muted…), as opposed to answers, offers and
 * warnings meant for this client. A channel's news goes to every member, so a burst of joins in a
 * large channel sends each member a stream of it; letting news wait up to NEWS_DELAY_MS for more
 * news puts several messages in one write instead of one write each, and the write is the main
 * cost of a broadcast (bench:joins). Anything else is sent at the end of the turn it was made in,
 * together with any news still waiting, so order is kept.
 */
const NEWS: ReadonlySet<ServerMessage['type']> = new Set([
  'user-joined',
  'user-left',
  'user-published',
  'user-unpublished',
  'user-muted',
  'user-role-changed',
  'user-network-quality',
]);
export const NEWS_DELAY_MS = 40;

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
 * `stream` is the TCP (or TLS) connection under `socket`. It stays corked while messages wait:
 * until the end of the turn for a reply, up to NEWS_DELAY_MS for news; then everything waiting
 * leaves in one write.
 */
export function wrapSocket(socket: WebSocket, remoteAddress: string, stream: Writable): SignalingPeer {
  let corked = false;
  let endOfTurn: NodeJS.Immediate | undefined;
  let newsDue: NodeJS.Timeout | undefined;
  const flush = () => {
    if (endOfTurn) clearImmediate(endOfTurn);
    if (newsDue) clearTimeout(newsDue);
    endOfTurn = newsDue = undefined;
    if (!corked) return;
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
      }
      socket.send(serialize(message));
      if (!NEWS.has(message.type)) endOfTurn ??= setImmediate(flush);
      else if (!endOfTurn) newsDue ??= setTimeout(flush, NEWS_DELAY_MS);
    },
    close(code, reason) {
      // What waits goes first, then the close frame.
      flush();
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) socket.close(code, reason);
    },
    ping() {
      if (socket.readyState === socket.OPEN) socket.ping();
    },
    terminate() {
      flush();
      socket.terminate();
    },
  };
}
