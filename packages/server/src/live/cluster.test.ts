/**
 * The node registry and channel placement, in memory and in Redis: records lapse with their
 * heartbeat, lapsed nodes are told apart from ones that left, one claimant reaps each, and
 * concurrent first claims of a channel agree; a placement on a node that is gone counts as none.
 */
import { Redis } from 'ioredis';
import type { Participant } from '@parley/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, uniqueName } from '../../../../test/support/backends.ts';
import { MemoryChannelPlacement, type ChannelPlacement } from './channelPlacement.ts';
import { MemoryNodeRegistry, type NodeRecord, type NodeRegistry } from './nodeRegistry.ts';
import { RedisChannelPlacement } from './redisChannelPlacement.ts';
import { RedisChannelSites } from './redisChannelSites.ts';
import { RedisNodeRegistry } from './redisNodeRegistry.ts';
import { RedisParticipantDirectory } from './redisParticipantDirectory.ts';
import { TrackedReads } from './trackedReads.ts';

const redisClients: Redis[] = [];
const trackedReads: TrackedReads[] = [];
afterAll(async () => {
  await Promise.all([...redisClients.map((client) => client.quit()), ...trackedReads.map((reads) => reads.close())]);
});

function record(id: string, participants = 0): NodeRecord {
  return { id, url: `http://${id}:8080`, state: 'serving', load: { cpu: 0.1, cores: 2, participants, rooms: 0, forwardedStreams: 0, freePorts: null }, startedAt: 1, heartbeatAt: Date.now() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const BACKENDS: Record<string, () => { registry: NodeRegistry; placement: ChannelPlacement }> = {
  memory: () => {
    const registry = new MemoryNodeRegistry();
    // In memory, liveness comes from the caller; these tests ask the registry, as Redis does.
    const alive = new Set<string>();
    const placement = new MemoryChannelPlacement((id) => alive.has(id));
    const beat = registry.beat.bind(registry);
    registry.beat = async (r, ttl) => {
      alive.add(r.id);
      setTimeout(() => alive.delete(r.id), ttl).unref();
      await beat(r, ttl);
    };
    return { registry, placement };
  },
  redis: () => {
    const client = new Redis(REDIS_URL);
    redisClients.push(client);
    const prefix = `${uniqueName('cluster')}:`;
    const registry = new RedisNodeRegistry(client, prefix);
    return { registry, placement: new RedisChannelPlacement(client, prefix, registry.recordKey('')) };
  },
};

describe.each(Object.keys(BACKENDS))('cluster state in %s', (kind) => {
  it('lists nodes while they beat, tells lapsed ones from those that left, and lets one claimant reap each', async () => {
    const { registry } = BACKENDS[kind]!();
    await registry.beat(record('a'), 150);
    await registry.beat(record('b', 3), 5_000);
    await registry.beat(record('c'), 5_000);
    expect((await registry.list()).map((node) => node.id).sort()).toEqual(['a', 'b', 'c']);
    expect((await registry.get('b'))?.load.participants).toBe(3);
    await registry.remove('c');
    await sleep(250);
    expect((await registry.list()).map((node) => node.id)).toEqual(['b']);
    expect(await registry.get('a')).toBeUndefined();
    expect(await registry.lapsed(), 'a lapsed; c left and is not missed').toEqual(['a']);
    if (kind === 'redis') {
      const claims = await Promise.all(['x', 'y', 'z'].map((claimant) => registry.claimReaping('a', claimant, 1_000)));
      expect(claims.filter(Boolean)).toHaveLength(1);
    }
    await registry.remove('a');
    expect(await registry.lapsed()).toEqual([]);
  });

  it('gives concurrent first claims of a channel one owner, keeps it while held, and places it anew once its node is gone', async () => {
    const { registry, placement } = BACKENDS[kind]!();
    await registry.beat(record('a'), 300);
    await registry.beat(record('b'), 5_000);
    const owners = await Promise.all(['a', 'b', 'a', 'b'].map((candidate) => placement.claim('app', 'room:1', candidate)));
    expect(new Set(owners).size).toBe(1);
    const owner = owners[0]!;
    expect(await placement.owner('app', 'room:1')).toBe(owner);
    expect(await placement.hold('app', 'room:1', owner)).toBe(true);
    expect(await placement.hold('app', 'room:1', owner === 'a' ? 'b' : 'a'), 'another live node cannot take a held channel').toBe(false);
    // Channels are apart, even with separators in their names.
    expect(await placement.owner('app', 'room')).toBeUndefined();

    // 'a' stops beating: a channel it owned is free for the next claim.
    await placement.claim('app', 'on-a', 'a');
    await placement.hold('app', 'on-a', 'a');
    await sleep(400);
    expect(await placement.owner('app', 'on-a')).toBeUndefined();
    expect(await placement.claim('app', 'on-a', 'b')).toBe('b');

    // Released by its owner only.
    await placement.release('app', 'on-a', 'a');
    expect(await placement.owner('app', 'on-a')).toBe('b');
    await placement.release('app', 'on-a', 'b');
    expect(await placement.owner('app', 'on-a')).toBeUndefined();
  });
});

describe('the participant directory in Redis, as clients move between nodes', () => {
  it('keeps a participant that moved on: the old node\'s late removal and the clean-up after it died leave the new entry', async () => {
    const client = new Redis(REDIS_URL);
    redisClients.push(client);
    const prefix = `${uniqueName('dir')}:`;
    // Each node reads through tracked reads of its own, as a server does.
    const reads = await Promise.all(['node-a', 'node-b', 'node-c'].map(() => TrackedReads.open(REDIS_URL, {})));
    trackedReads.push(...reads);
    const [a, b, c] = ['node-a', 'node-b', 'node-c'].map((id, i) => new RedisParticipantDirectory(client, reads[i]!, prefix, id));
    const ada = { uid: 'ada', role: 'host', joinedAt: '2026-12-04T10:00:00.000Z' } as unknown as Participant;
    const bob = { ...ada, uid: 'bob' } as Participant;
    await a!.put('app', 'room', ada);
    await a!.put('app', 'room', bob);
    // ada's node dies; she joins again through node b before anyone clears up after a.
    await b!.put('app', 'room', ada);
    await a!.remove('app', 'room', 'ada');
    await c!.clearNode('node-a');
    expect((await c!.list('app', 'room')).map((p) => p.uid)).toEqual(['ada']);
    expect(await c!.channels('app')).toEqual([{ channel: 'room', participantCount: 1 }]);
    await b!.remove('app', 'room', 'ada');
    // c kept its last read: Redis's invalidation reaches it on its own connection, after b's reply may have.
    await expect.poll(() => c!.list('app', 'room')).toEqual([]);
    expect(await b!.list('app', 'room')).toEqual([]);
    expect(await c!.channels('app')).toEqual([]);
  });
});

describe('the sites of a cascaded channel in Redis', () => {
  it('lists each live node with its count, forgets a node at 0, and skips a node whose heartbeat lapsed', async () => {
    const client = new Redis(REDIS_URL);
    redisClients.push(client);
    const prefix = `${uniqueName('sites')}:`;
    const registry = new RedisNodeRegistry(client, prefix);
    const sites = new RedisChannelSites(client, prefix, registry.recordKey(''));
    await registry.beat(record('a'), 60_000);
    await registry.beat(record('b'), 300);
    await sites.set('app', 'wide', 'a', 2);
    await sites.set('app', 'wide', 'b', 1);
    await sites.set('app', 'other', 'a', 1);
    expect(await sites.list('app', 'wide')).toEqual(new Map([['a', 2], ['b', 1]]));
    await sites.set('app', 'wide', 'a', 0);
    expect(await sites.list('app', 'wide')).toEqual(new Map([['b', 1]]));
    await sleep(400);
    expect(await sites.list('app', 'wide')).toEqual(new Map());
    expect(await sites.list('app', 'other')).toEqual(new Map([['a', 1]]));
  });
});
