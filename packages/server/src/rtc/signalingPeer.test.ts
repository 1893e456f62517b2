/**
 * The messages a signaling socket is sent in one turn of the event loop leave in one write to the
 * connection (a burst of joins sends each member several), in order, and nothing waits longer
 * than that turn; a message broadcast to many sockets is serialised once. Real sockets on
 * loopback; the writes are counted on the server's TCP stream.
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '@parley/protocol';
import { wrapSocket, type SignalingPeer } from './signalingPeer.ts';

interface Pair {
  peer: SignalingPeer;
  stream: Socket;
  received: string[];
  close(): Promise<void>;
}

async function connectedPair(): Promise<Pair> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const accepted = new Promise<{ peer: SignalingPeer; stream: Socket }>((resolve) => {
    server.once('connection', (socket, request) => resolve({ peer: wrapSocket(socket, '127.0.0.1', request.socket), stream: request.socket as Socket }));
  });
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise((resolve) => client.once('open', resolve));
  const { peer, stream } = await accepted;
  return {
    peer,
    stream,
    received,
    async close() {
      client.terminate();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const message = (n: number): ServerMessage => ({ type: 'user-left', uid: n, reason: 1 });

/** Every system-call-level write the stream makes, whether of one buffer or several. */
function countWrites(stream: Socket): () => number {
  const internals = stream as unknown as { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
  const single = vi.spyOn(internals, '_write');
  const vectored = vi.spyOn(internals, '_writev');
  return () => single.mock.calls.length + vectored.mock.calls.length;
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('wrapSocket', () => {
  let pair: Pair | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await pair?.close();
    pair = undefined;
  });

  it('sends the messages of one turn in one write, in order', async () => {
    pair = await connectedPair();
    const writes = countWrites(pair.stream);
    for (let n = 1; n <= 20; n++) pair.peer.send(message(n));
    await until(() => pair!.received.length === 20);
    expect(pair.received.map((text) => (JSON.parse(text) as { uid: number }).uid)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(writes()).toBe(1);
  });

  it('sends each turn at the end of that turn', async () => {
    pair = await connectedPair();
    const writes = countWrites(pair.stream);
    pair.peer.send(message(1));
    pair.peer.send(message(2));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes()).toBe(1);
    pair.peer.send(message(3));
    await until(() => pair!.received.length === 3);
    expect(writes()).toBe(2);
  });

  it('serialises a message handed to several sockets once', async () => {
    const [first, second] = [await connectedPair(), await connectedPair()];
    try {
      const stringify = vi.spyOn(JSON, 'stringify');
      const news = message(7);
      first.peer.send(news);
      second.peer.send(news);
      expect(stringify.mock.calls.filter(([value]) => value === news)).toHaveLength(1);
      stringify.mockRestore();
      await until(() => first.received.length === 1 && second.received.length === 1);
      expect(second.received).toEqual(first.received);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('sends nothing once the socket is closed, and closing mid-turn still delivers what came before', async () => {
    pair = await connectedPair();
    pair.peer.send(message(1));
    pair.peer.close(4000, 'bye');
    pair.peer.send(message(2));
    await until(() => pair!.received.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(pair.received).toEqual([JSON.stringify(message(1))]);
  });
});
