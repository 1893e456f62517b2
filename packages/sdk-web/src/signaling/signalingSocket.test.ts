/**
 * One signaling socket against a scripted server: opening, keepalive, silence, drops, timeouts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSignalingServer, type FakeSignalingServer } from '../../test/fakeSignalingServer.ts';
import { signalingUrl } from '../serverUrl.ts';
import { SignalingSocket, type SocketEnd } from './signalingSocket.ts';

describe('SignalingSocket', () => {
  let server: FakeSignalingServer;
  beforeEach(async () => {
    server = await startFakeSignalingServer();
  });
  afterEach(() => server.close());

  it('fails to open with CAN_NOT_GET_GATEWAY_SERVER when nothing listens', async () => {
    await expect(SignalingSocket.open('ws://127.0.0.1:1/v1/rtc')).rejects.toMatchObject({ code: 'CAN_NOT_GET_GATEWAY_SERVER' });
  });

  it('pings at the keepalive interval', async () => {
    const socket = await SignalingSocket.open(signalingUrl(server.url), { keepaliveIntervalMs: 50 });
    await new Promise((resolve) => setTimeout(resolve, 180));
    expect(server.received.filter((message) => message.type === 'ping').length).toBeGreaterThanOrEqual(2);
    socket.close();
  });

  it('gives up on a server that stays silent for three keepalive intervals', async () => {
    server.respond = (message) => message.type === 'ping';
    const socket = await SignalingSocket.open(signalingUrl(server.url), { keepaliveIntervalMs: 30 });
    const end = await new Promise<SocketEnd>((resolve) => (socket.onClose = resolve));
    expect(end.silent).toBe(true);
    expect(socket.isOpen).toBe(false);
  });

  it('reports a socket the server drops, and fails the requests that waited on it', async () => {
    server.respond = (message) => message.type === 'subscribe';
    const socket = await SignalingSocket.open(signalingUrl(server.url));
    const closed = new Promise<SocketEnd>((resolve) => (socket.onClose = resolve));
    const pending = socket.request({ type: 'subscribe', uid: 1, kind: 'video' });
    await server.next('subscribe');
    server.dropSocket();
    await expect(pending).rejects.toMatchObject({ code: 'WS_DISCONNECT' });
    expect((await closed).silent).toBe(false);
  });

  it('rejects a request the server never answers with TIMEOUT', async () => {
    server.respond = (message) => message.type === 'subscribe';
    const socket = await SignalingSocket.open(signalingUrl(server.url), { requestTimeoutMs: 100 });
    await expect(socket.request({ type: 'subscribe', uid: 1, kind: 'audio' })).rejects.toMatchObject({ code: 'TIMEOUT' });
    socket.close();
  });

  it('passes messages that answer no request to onNotice, and not pongs', async () => {
    const socket = await SignalingSocket.open(signalingUrl(server.url), { keepaliveIntervalMs: 20 });
    const notices: string[] = [];
    socket.onNotice = (message) => notices.push(message.type);
    server.send({ type: 'user-published', uid: 5, kind: 'audio' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(notices).toEqual(['user-published']);
    socket.close();
  });
});
