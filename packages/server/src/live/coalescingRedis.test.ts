/**
 * The coalescing client sends a turn's commands in one write, answers each its own, keeps their
 * order beside pipelines and transactions, and goes on coalescing after a reconnect. Real Redis.
 */
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { CoalescingRedis } from './coalescingRedis.ts';

const clients: Redis[] = [];
afterAll(async () => {
  await Promise.all(clients.map((client) => client.quit()));
});

async function connected<T extends Redis>(client: T): Promise<T> {
  clients.push(client);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
  return client;
}

/** Counts what the client's current socket hands the kernel: single writes and gathered ones. */
function watchWrites(client: Redis): { writes: () => number; writevChunks: () => number[] } {
  const socket = client.stream as Socket & { _write: (...args: unknown[]) => void; _writev: (...args: unknown[]) => void };
  const write = vi.spyOn(socket, '_write');
  const writev = vi.spyOn(socket, '_writev');
  return { writes: () => write.mock.calls.length, writevChunks: () => writev.mock.calls.map((call) => (call[0] as unknown[]).length) };
}

describe('CoalescingRedis', () => {
  it('sends the commands of one turn in one writev and answers each its own reply', async () => {
    const client = await connected(new CoalescingRedis(REDIS_URL));
    const prefix = uniqueName('coalesce');
    const watch = watchWrites(client);
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.set(`${prefix}:${i}`, `v${i}`)));
    const values = await Promise.all(Array.from({ length: 30 }, (_, i) => client.get(`${prefix}:${i}`)));
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => `v${i}`));
    expect(watch.writes()).toBe(0);
    expect(watch.writevChunks()).toEqual([30, 30]);
  });

  it('joins commands from separate callbacks of the same turn', async () => {
    const client = await connected(new CoalescingRedis(REDIS_URL));
    const watch = watchWrites(client);
    // Two timers due together run in one timers phase, before the turn's check phase uncorks.
    const replies = await Promise.all([0, 1].map((i) => new Promise<string>((resolve, reject) => setTimeout(() => client.echo(`timer ${i}`).then(resolve, reject), 0))));
    expect(replies).toEqual(['timer 0', 'timer 1']);
    expect(watch.writes()).toBe(0);
    expect(watch.writevChunks()).toEqual([2]);
  });

  it('keeps the order of plain commands, a transaction and a pipeline sent in one turn', async () => {
    const client = await connected(new CoalescingRedis(REDIS_URL));
    const key = uniqueName('coalesce-order');
    const set = client.set(key, '1');
    const transaction = client.multi().incr(key).incr(key).exec();
    const pipeline = client.pipeline().incrby(key, 10).get(key).exec();
    const last = client.get(key);
    expect(await set).toBe('OK');
    expect(await transaction).toEqual([[null, 2], [null, 3]]);
    expect(await pipeline).toEqual([[null, 13], [null, '13']]);
    expect(await last).toBe('13');
  });

  it('answers a failing command with its error and the others with their replies', async () => {
    const client = await connected(new CoalescingRedis(REDIS_URL));
    const key = uniqueName('coalesce-error');
    const [set, wrongType, get] = await Promise.allSettled([client.set(key, 'text'), client.incr(key), client.get(key)]);
    expect(set).toEqual({ status: 'fulfilled', value: 'OK' });
    expect(wrongType.status).toBe('rejected');
    expect(String((wrongType as PromiseRejectedResult).reason)).toMatch(/not an integer/);
    expect(get).toEqual({ status: 'fulfilled', value: 'text' });
  });

  it('goes on answering, and coalescing, once its connection is killed and comes back', async () => {
    const client = await connected(new CoalescingRedis(REDIS_URL));
    const killer = await connected(new Redis(REDIS_URL));
    const id = await client.client('ID');
    const closed = new Promise((resolve) => client.once('close', resolve));
    await killer.client('KILL', 'ID', String(id));
    await closed;
    // Sent while reconnecting: queued by ioredis, then sent on the new connection.
    expect(await Promise.all([client.echo('a'), client.echo('b')])).toEqual(['a', 'b']);
    expect(await client.client('ID')).not.toBe(id);
    const watch = watchWrites(client);
    expect(await Promise.all([client.echo('c'), client.echo('d'), client.echo('e')])).toEqual(['c', 'd', 'e']);
    expect(watch.writes()).toBe(0);
    expect(watch.writevChunks()).toEqual([3]);
  });
});
