/**
 * Mounts the signaling WebSocket at `GET /v1/rtc` on the API's port.
 */
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { SIGNALING_PATH } from '@parley/protocol';
import type { RtcService } from './service.ts';
import { SignalingConnection } from './signalingConnection.ts';
import { wrapSocket } from './signalingPeer.ts';

/** SDP offers are a few KiB; anything near this is not a signaling message. */
const MAX_MESSAGE_BYTES = 128 * 1024;

export async function registerSignaling(app: FastifyInstance, rtc: RtcService): Promise<void> {
  // In its own scope: the websocket plugin's request hooks then run for this route only, not on
  // every API request (they cost about a tenth of an authenticated GET).
  await app.register(async (scope) => {
    await scope.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
    registerSignalingRoute(scope, rtc);
  });
}

function registerSignalingRoute(app: FastifyInstance, rtc: RtcService): void {
  app.get(SIGNALING_PATH, { websocket: true, schema: { hide: true } }, (socket, request) => {
    const connection = new SignalingConnection(rtc, wrapSocket(socket, request.ip), request.log);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return socket.close(1003, 'text messages only');
      connection.receive(data.toString());
    });
    socket.on('close', () => connection.closed());
    socket.on('error', (error) => request.log.warn({ err: error }, 'signaling socket error'));
  });
}
