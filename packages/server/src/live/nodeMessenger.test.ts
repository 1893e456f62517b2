/**
 * Requests between nodes, in memory (one node talking to itself) and over Redis pub/sub: the
 * handler's result comes back, a DomainError comes back as the same DomainError, a node nobody
 * listens for fails at once as gone, and a node that does not answer fails after the timeout.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { DomainError } from '../domainError.ts';
import { MemoryNodeMessenger, NodeUnreachable, type CommandHandler, type NodeMessenger } from './nodeMessenger.ts';
import { RedisNodeMessenger } from './redisNodeMessenger.ts';

const opened: Array<{ close(): Promise<unknown> }> = [];
afterAll(async () => {
  for (const item of opened.reverse()) await item.close();
});

const handler: CommandHandler = async ({ name, args }) => {
  if (name === 'add') return (args as number[]).reduce((a, b) => a + b, 0);
  if (name === 'refuse') throw new DomainError('not_found', 'No channel named "x" in this project', 'channel');
  if (name === 'crash') throw new Error('disk on fire');
  return new Promise(() => {}); // 'hang': never answers
};

/** Two nodes, `a` and `b`, as each backend builds them; `b` serves, `a` asks. */
const BACKENDS: Record<string, () => Promise<{ a: NodeMessenger; b: NodeMessenger; bId: string }>> = {
  memory: async () => {
    const self = new MemoryNodeMessenger('a');
    self.serve(handler);
    return { a: self, b: self, bId: 'a' };
  },
  redis: async () => {
    const prefix = `${uniqueName('messenger')}:`;
    const client = new Redis(REDIS_URL);
    opened.push({ close: () => client.quit() });
    const a = await RedisNodeMessenger.open(client, prefix, 'a');
    const b = await RedisNodeMessenger.open(client, prefix, 'b');
    opened.push(a, b);
    b.serve(handler);
    return { a, b, bId: 'b' };
  },
};

describe.each(Object.keys(BACKENDS))('node messenger in %s', (kind) => {
  it('answers with the result, and with the same DomainError the handler threw', async () => {
    const { a, bId } = await BACKENDS[kind]!();
    expect(await a.request(bId, { name: 'add', args: [2, 3, 4] })).toBe(9);
    const error = await a.request(bId, { name: 'refuse', args: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'not_found', message: 'No channel named "x" in this project', field: 'channel' });
    const crash = await a.request(bId, { name: 'crash', args: [] }).catch((e: unknown) => e);
    expect(crash).not.toBeInstanceOf(DomainError);
    expect((crash as Error).message).toMatch(/disk on fire/);
  });

  it('fails at once as gone for a node nobody listens for', async () => {
    const { a } = await BACKENDS[kind]!();
    const startedAt = Date.now();
    const error = await a.request('nobody', { name: 'add', args: [1] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeUnreachable);
    expect(error).toMatchObject({ kind: 'unavailable', reason: 'gone', nodeId: 'nobody' });
    expect(Date.now() - startedAt).toBeLessThan(500);
  });

});

// Only messages between processes can go unanswered: in memory, the handler is a function call.
describe('node messenger in redis, a node that does not answer', () => {
  it('fails as timed out when the node does not answer in time, and as gone once it stopped listening', async () => {
    const { a, b, bId } = await BACKENDS.redis!();
    const startedAt = Date.now();
    const error = await a.request(bId, { name: 'hang', args: [] }, 300).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', reason: 'timeout' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    await b.close();
    expect(await a.request(bId, { name: 'add', args: [1] }).catch((e: unknown) => e)).toMatchObject({ reason: 'gone' });
  });
});
