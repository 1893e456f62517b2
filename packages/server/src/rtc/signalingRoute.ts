/**
 * Mounts the signaling WebSocket at `GET /v1/rtc` on the API's port. Each socket logs under a
 * `connectionId` (the upgrade request's id), so one client's story can be followed in the logs.
 */
import websocket from '@fastify/websocket';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { MAX_SIGNALING_MESSAGE_BYTES, SIGNALING_PATH } from '@parley/protocol';
import type { WebSocket } from 'ws';
import type { RtcService } from './service.ts';
import { SignalingConnection } from './signalingConnection.ts';
import { CloseCode, wrapSocket } from './signalingPeer.ts';

export async function registerSignaling(app: FastifyInstance, rtc: RtcService): Promise<void> {
  // In its own scope: the websocket plugin's request hooks then run for this route only, not on
  // every API request (they cost about a tenth of an authenticated GET).
  await app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: MAX_SIGNALING_MESSAGE_BYTES }, errorHandler: onSocketError });
    registerSignalingRoute(scope, rtc);
  });
}

function connectionLog(log: FastifyBaseLogger, connectionId: string): FastifyBaseLogger {
  return log.child({ connectionId });
}

/**
 * Errors on an open socket are nearly always the client's doing (a frame over the size limit, a
 * broken frame, a connection reset): worth a warning, not an error. The socket is dropped.
 */
function onSocketError(error: Error, socket: WebSocket, request: { id: string; log: FastifyBaseLogger }): void {
  const code = (error as { code?: string }).code ?? '';
  const clientFault = code.startsWith('WS_ERR_') || code === 'ECONNRESET' || code === 'EPIPE';
  const log = connectionLog(request.log, request.id);
  if (clientFault) log.warn({ code }, `signaling socket closed: ${error.message}`);
  else log.error({ err: error }, 'signaling socket failed');
  // On a protocol error ws has already sent its close frame (1009 for an oversized one): let it
  // finish closing, so the client learns why. Anything else is dropped at once.
  if (socket.readyState !== socket.CLOSING) socket.terminate();
}

function registerSignalingRoute(app: FastifyInstance, rtc: RtcService): void {
  app.get(SIGNALING_PATH, { websocket: true, schema: { hide: true } }, (socket, request) => {
    const connection = new SignalingConnection(rtc, wrapSocket(socket, request.ip, request.raw.socket), connectionLog(request.log, request.id));
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(CloseCode.textOnly, 'text messages only');
      connection.receive(data.toString());
    });
    socket.on('pong', () => connection.heard());
    socket.on('close', () => connection.closed());
  });
}
