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

export function trackConnections(server: Server): ConnectionCloser {
  const open = new Set<Socket>();
  const used = new WeakSet<Socket>();
  // 'connection' gives the TCP socket, also under TLS; a request's socket is then the TLS socket
  // over it, whose `_parent` is that TCP socket.
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  const markUsed = (request: IncomingMessage) => used.add((request.socket as Socket & { _parent?: Socket })._parent ?? request.socket);
  const inFlight = new Set<ServerResponse>();
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    markUsed(request);
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });
  server.prependListener('upgrade', markUsed);

  return {
    closeWithin(graceMs, onForced) {
      for (const socket of open) if (!used.has(socket)) socket.destroy();
      // A keep-alive connection whose request ends during the close would otherwise stay open
      // until its keep-alive timeout: it ends with its answer instead.
      for (const response of inFlight) {
        const { socket } = response;
        if (!response.headersSent) response.shouldKeepAlive = false;
        response.once('finish', () => socket?.end());
      }
      const timer = setTimeout(() => {
        if (open.size === 0) return;
        onForced(open.size);
        for (const socket of open) socket.destroy();
      }, graceMs);
      timer.unref();
      return () => clearTimeout(timer);
    },
  };
}
