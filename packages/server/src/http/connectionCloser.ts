/**
 * Bounds how long a stopping server waits for its HTTP connections.
 *
 * Fastify's close waits until every connection has ended, and with `forceCloseConnections: 'idle'`
 * it ends the keep-alive ones that sit between requests. Node does not count a connection that
 * never carried a request as idle, though, and browsers open such spare connections ahead of need:
 * with one browser still open on it, a server asked to stop waited for good. So on close the
 * connections that never carried a request are ended at once (nothing is lost: no request was on
 * them), those with a request in flight end with its answer, and whatever is still open after
 * the grace (a request that outlasts it, an event stream, an upgraded socket) is destroyed.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionCloser {
  /**
   * Ends the connections that never carried a request now, and destroys every connection still
   * open `graceMs` from now, calling `onForced` with how many. Returns what cancels that timer
   * (call it once the server has closed).
   */
  closeWithin(graceMs: number, onForced: (open: number) => void): () => void;
}

/** The response a connection is sending, `'answered'` between requests, or `'upgraded'`; absent until it carries a request. */
type LastUse = ServerResponse | 'answered' | 'upgraded';

export function trackConnections(server: Server): ConnectionCloser {
  // One entry a connection, whose value each request overwrites: nothing is added or deleted per
  // request. A Set of in-flight responses, added to and deleted from on every request, made V8
  // promote every request's objects out of the young generation whenever requests wait on I/O
  // (seen with --trace-gc on bench:api with Redis: the old generation grew 4 MB a scavenge and
  // scavenges took 6-7 ms, against 2 ms and no growth with this map).
  const open = new Map<Socket, LastUse | undefined>();
  // 'connection' gives the TCP socket, also under TLS; a request's socket is then the TLS socket
  // over it, whose `_parent` is that TCP socket.
  server.on('connection', (socket: Socket) => {
    open.set(socket, undefined);
    socket.once('close', () => open.delete(socket));
  });
  const tcpSocketOf = (request: IncomingMessage) => (request.socket as Socket & { _parent?: Socket })._parent ?? request.socket;
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = tcpSocketOf(request);
    if (!open.has(socket)) return;
    open.set(socket, response);
    // Answered, the response is let go: an idle keep-alive connection would otherwise keep it (and
    // its request) in memory until its next request.
    response.once('close', () => {
      if (open.get(socket) === response) open.set(socket, 'answered');
    });
  });
  server.prependListener('upgrade', (request: IncomingMessage) => {
    const socket = tcpSocketOf(request);
    if (open.has(socket)) open.set(socket, 'upgraded');
  });

  return {
    closeWithin(graceMs, onForced) {
      for (const [socket, lastUse] of open) {
        if (lastUse === undefined) {
          socket.destroy();
        } else if (typeof lastUse === 'object' && !lastUse.writableFinished) {
          // A keep-alive connection whose request ends during the close would otherwise stay
          // open until its keep-alive timeout: it ends with its answer instead.
          if (!lastUse.headersSent) lastUse.shouldKeepAlive = false;
          lastUse.once('finish', () => socket.end());
        }
      }
      const timer = setTimeout(() => {
        if (open.size === 0) return;
        onForced(open.size);
        for (const socket of open.keys()) socket.destroy();
      }, graceMs);
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
