import type { AddressInfo } from 'node:net';
import net from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { trackConnections } from './connectionCloser.ts';

/** A Fastify app closed as Parley's is (forceCloseConnections 'idle'), whose /slow answers after `slowMs`. */
async function startServer(slowMs: number) {
  const app = Fastify({ forceCloseConnections: 'idle' });
  app.get('/', async () => 'ok');
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, slowMs));
    return 'late';
  });
  // Headers go out at once and the body after `slowMs`: an answer already under way at close.
  app.get('/stream', (_request, reply) => {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/plain' });
    reply.raw.write('early ');
    setTimeout(() => reply.raw.end('late'), slowMs);
  });
  const closer = trackConnections(app.server);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return { closer, port, close: () => app.close() };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Sends one GET on a raw keep-alive connection; `text()` is what has come back so far. */
async function keepAliveGet(port: number, path: string, sockets: net.Socket[]) {
  const socket = await connect(port);
  sockets.push(socket);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const ended = new Promise((resolve) => socket.once('close', resolve));
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n`);
  return { ended, text: () => received };
}

/** Starts closing the server with a 5 s grace; `done()` stops the grace timer and says how many connections it cut. */
function startClosing(closer: ReturnType<typeof trackConnections>, close: () => Promise<void>) {
  const forced: number[] = [];
  const stopWaiting = closer.closeWithin(5_000, (open) => forced.push(open));
  const closed = close();
  return {
    closed,
    done: () => {
      stopWaiting();
      return forced;
    },
  };
}

const closedWithin = (promise: Promise<unknown>, ms: number) => Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), ms))]);

describe('trackConnections', () => {
  const sockets: net.Socket[] = [];
  afterEach(() => sockets.splice(0).forEach((socket) => socket.destroy()));

  it('ends a connection that never carried a request at once, so the server closes', async () => {
    const { closer, port, close } = await startServer(0);
    const spare = await connect(port);
    sockets.push(spare);
    const spareEnded = new Promise((resolve) => spare.once('close', resolve));
    // Without the closer the server waits for the spare connection for good.
    const forced: number[] = [];
    const stopWaiting = closer.closeWithin(5_000, (open) => forced.push(open));
    expect(await closedWithin(close(), 1_000)).toBe(true);
    stopWaiting();
    await spareEnded;
    expect(forced).toEqual([]);
  });

  it('lets a request in flight finish within the grace', async () => {
    const { closer, port, close } = await startServer(300);
    const answer = fetch(`http://127.0.0.1:${port}/slow`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const forced: number[] = [];
    const stopWaiting = closer.closeWithin(5_000, (open) => forced.push(open));
    const closed = close();
    expect(await answer).toBe('late');
    expect(await closedWithin(closed, 2_000)).toBe(true);
    stopWaiting();
    expect(forced).toEqual([]);
  });

  // Without the closer's hand such a connection stays open for Fastify's keep-alive timeout (72 s).
  const answersUnderWayAtClose = [
    {
      when: 'with the answer to its request in flight',
      path: '/slow',
      // Headers not sent yet: the answer itself says the connection ends.
      received: [/^HTTP\/1\.1 200/, /connection: close/i, /late$/],
    },
    { when: 'whose answer was under way at close once that answer is done', path: '/stream', received: [/early /, /late/] },
  ];
  for (const { when, path, received } of answersUnderWayAtClose) {
    it(`ends a keep-alive connection ${when}`, async () => {
      const { closer, port, close } = await startServer(300);
      const request = await keepAliveGet(port, path, sockets);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closing = startClosing(closer, close);
      expect(await closedWithin(request.ended, 2_000)).toBe(true);
      for (const pattern of received) expect(request.text()).toMatch(pattern);
      expect(await closedWithin(closing.closed, 1_000)).toBe(true);
      expect(closing.done()).toEqual([]);
    });
  }

  it('leaves an idle keep-alive connection to the server\'s own close, whichever request it carried last', async () => {
    const { closer, port, close } = await startServer(0);
    const request = await keepAliveGet(port, '/', sockets);
    await expect.poll(() => request.text()).toContain('ok');
    const closing = startClosing(closer, close);
    expect(await closedWithin(closing.closed, 1_000)).toBe(true);
    expect(await closedWithin(request.ended, 1_000)).toBe(true);
    expect(closing.done()).toEqual([]);
  });

  it('cuts what is still open when the grace is over, and says how many', async () => {
    const { closer, port, close } = await startServer(60_000);
    const answer = fetch(`http://127.0.0.1:${port}/slow`).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const forced: number[] = [];
    const stopWaiting = closer.closeWithin(300, (open) => forced.push(open));
    expect(await closedWithin(close(), 2_000)).toBe(true);
    stopWaiting();
    expect(forced).toEqual([1]);
    expect(await answer).toBe('cut');
  });

  it('leaves a server that is not closing alone', async () => {
    const { port, close, closer } = await startServer(0);
    const spare = await connect(port);
    sockets.push(spare);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(spare.destroyed).toBe(false);
    closer.closeWithin(5_000, () => {})();
    await close();
  });
});
