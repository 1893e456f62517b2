/**
 * The messages a signaling socket is sent leave in as few writes as the protocol allows, in order:
 * replies and offers at the end of the turn they were made in, news of other members (a burst of
 * joins sends each member a stream of it) after at most NEWS_DELAY_MS, or sooner with the next
 * reply. Real sockets on loopback; the writes are counted on the server's TCP stream.
 */
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ServerMessage } from '@parley/protocol';
import { NEWS_DELAY_MS, wrapSocket, type SignalingPeer } from './signalingPeer.ts';

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

/** News: another member left. */
const message = (n: number): ServerMessage => ({ type: 'user-left', uid: n, reason: 1 });
/** Not news: the answer to this client's request `r<n>`. */
const reply = (n: number): ServerMessage => ({ type: 'ok', requestId: `r${n}` });
const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  it('sends replies at the end of their turn', async () => {
    pair = await connectedPair();
    const writes = countWrites(pair.stream);
    pair.peer.send(reply(1));
    pair.peer.send(reply(2));
    await turn();
    expect(writes()).toBe(1);
    pair.peer.send(reply(3));
    await until(() => pair!.received.length === 3);
    expect(writes()).toBe(2);
  });

  it('lets news wait for more news, up to NEWS_DELAY_MS', async () => {
    pair = await connectedPair();
    const writes = countWrites(pair.stream);
    const sentAt = performance.now();
    pair.peer.send(message(1));
    await sleep(NEWS_DELAY_MS / 4);
    pair.peer.send(message(2));
    expect(writes()).toBe(0);
    await until(() => pair!.received.length === 2);
    const arrivedAfter = performance.now() - sentAt;
    expect(writes()).toBe(1);
    expect(arrivedAfter).toBeGreaterThanOrEqual(NEWS_DELAY_MS - 2);
    expect(pair.received.map((text) => (JSON.parse(text) as { uid: number }).uid)).toEqual([1, 2]);
  });

  it('sends waiting news, in order, with the next reply at the end of its turn', async () => {
    pair = await connectedPair();
    const writes = countWrites(pair.stream);
    pair.peer.send(message(1));
    await turn();
    pair.peer.send(reply(1));
    pair.peer.send(message(2));
    await turn();
    expect(writes()).toBe(1);
    await until(() => pair!.received.length === 3);
    expect(pair.received.map((text) => JSON.parse(text) as { type: string })).toMatchObject([{ type: 'user-left', uid: 1 }, { type: 'ok', requestId: 'r1' }, { type: 'user-left', uid: 2 }]);
    // Nothing was left waiting for the news timer.
    await sleep(NEWS_DELAY_MS * 2);
    expect(writes()).toBe(1);
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

  it('sends nothing once the socket is closed, and closing still delivers what was waiting', async () => {
    pair = await connectedPair();
    pair.peer.send(message(1));
    pair.peer.send(reply(1));
    pair.peer.close(4000, 'bye');
    pair.peer.send(message(2));
    await until(() => pair!.received.length === 2);
    await sleep(NEWS_DELAY_MS + 50);
    expect(pair.received).toEqual([JSON.stringify(message(1)), JSON.stringify(reply(1))]);
  });
});
