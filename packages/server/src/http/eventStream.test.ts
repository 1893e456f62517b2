import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStreamClient } from '../../../../test/support/eventStreamClient.ts';
import { waitUntil } from '../../../../test/support/waitUntil.ts';
import { DomainError } from '../domainError.ts';
import { EventStreams, type EventStream } from './eventStream.ts';

/** A server with one stream route; each request opens a stream for the owner in `?owner=`. */
async function serve(options: { keepAliveMs: number; allowed?: () => boolean; perOwner?: number }) {
  const streams = new EventStreams(options.perOwner ?? 5);
  const opened: Array<EventStream<{ n: number }>> = [];
  const closed: number[] = [];
  const app: FastifyInstance = Fastify();
  app.get('/stream', async (request, reply) => {
    const owner = (request.query as { owner?: string }).owner ?? 'someone';
    try {
      const stream = streams.open<{ n: number }>(reply, owner, { event: 'tick', keepAliveMs: options.keepAliveMs, stillAllowed: async () => options.allowed?.() ?? true });
      opened.push(stream);
      stream.onClose(() => closed.push(opened.indexOf(stream)));
      stream.send({ n: opened.length });
      return reply;
    } catch (error) {
      if (error instanceof DomainError) return reply.code(429).send({ code: 429, message: error.message });
      throw error;
    }
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, streams, opened, closed };
}

describe('server-sent event streams', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('sends named events with JSON data and a keepalive comment while idle', async () => {
    const s = await serve({ keepAliveMs: 30 });
    app = s.app;
    const client = await EventStreamClient.open<{ n: number }>(`${s.url}/stream`);
    expect(client.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await client.waitFor(() => true)).toMatchObject({ event: 'tick', data: { n: 1 } });
    s.opened[0]!.send({ n: 2 });
    await client.waitFor((e) => e.data.n === 2);
    await waitUntil(() => client.comments.length >= 2, 'two keepalives');
    expect(new Set(client.comments)).toEqual(new Set(['keepalive']));
    client.close();
  });

  it('ends the stream when the caller is no longer allowed, and runs its cleanup once', async () => {
    let allowed = true;
    const s = await serve({ keepAliveMs: 20, allowed: () => allowed });
    app = s.app;
    const client = await EventStreamClient.open(`${s.url}/stream`);
    await client.waitFor(() => true);
    allowed = false;
    await waitUntil(() => client.ended, 'the stream to end');
    expect(s.closed).toEqual([0]);
    expect(s.streams.size).toBe(0);
  });

  it('cleans up when the client goes away, and ends every open stream on closeAll', async () => {
    const s = await serve({ keepAliveMs: 10_000 });
    app = s.app;
    const first = await EventStreamClient.open(`${s.url}/stream`);
    const second = await EventStreamClient.open(`${s.url}/stream?owner=other`);
    await Promise.all([first.waitFor(() => true), second.waitFor(() => true)]);
    first.close();
    await waitUntil(() => s.closed.includes(0), 'the first stream\'s cleanup');
    expect(s.streams.size).toBe(1);
    s.streams.closeAll();
    await waitUntil(() => second.ended, 'the second stream to end');
    expect(s.closed.sort()).toEqual([0, 1]);
    // Sending on a closed stream is a no-op, not an error.
    s.opened[1]!.send({ n: 9 });
  });

  it('holds at most perOwner streams for one owner', async () => {
    const s = await serve({ keepAliveMs: 10_000, perOwner: 2 });
    app = s.app;
    const clients = [await EventStreamClient.open(`${s.url}/stream`), await EventStreamClient.open(`${s.url}/stream`)];
    const third = await EventStreamClient.open(`${s.url}/stream`);
    expect(third.status).toBe(429);
    expect(third.refusal?.message).toMatch(/At most 2 live streams/);
    expect((await EventStreamClient.open(`${s.url}/stream?owner=other`)).status).toBe(200);
    expect(s.streams.countOf('someone')).toBe(2);
    s.streams.closeAll();
    await waitUntil(() => clients.every((c) => c.ended), 'the streams to end');
  });
});
