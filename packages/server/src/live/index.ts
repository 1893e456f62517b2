/**
 * Live state: what changes by the second and must be shared between nodes in scale-out mode
 * (rate counters now; participants and channel ownership with calls). Memory by default, Redis
 * when `PARLEY_REDIS_URL` is set.
 */
import { MemoryChannelPlacement, type ChannelPlacement } from './channelPlacement.ts';
import { MemoryChannelSites, type ChannelSites } from './channelSites.ts';
import { CoalescingRedis } from './coalescingRedis.ts';
import { MemoryGenerations, type Generations } from './generations.ts';
import { MemoryParticipantDirectory } from './memoryParticipantDirectory.ts';
import { MemoryRateCounter } from './memoryRateCounter.ts';
import type { ParticipantDirectory } from './participantDirectory.ts';
import { MemoryNodeMessenger, type NodeMessenger } from './nodeMessenger.ts';
import { MemoryNodeRegistry, type NodeRegistry } from './nodeRegistry.ts';
import type { RateCounter } from './rateCounter.ts';
import { RedisChannelPlacement } from './redisChannelPlacement.ts';
import { RedisChannelSites } from './redisChannelSites.ts';
import { RedisGenerations } from './redisGenerations.ts';
import { RedisNodeMessenger } from './redisNodeMessenger.ts';
import { RedisNodeRegistry } from './redisNodeRegistry.ts';
import { RedisParticipantDirectory } from './redisParticipantDirectory.ts';
import { RedisRateCounter } from './redisRateCounter.ts';
import { TrackedReads } from './trackedReads.ts';

export type { RateCounter, WindowCount } from './rateCounter.ts';
export type { ChannelCount, ParticipantDirectory } from './participantDirectory.ts';
export type { ChannelPlacement } from './channelPlacement.ts';
export type { ChannelSites } from './channelSites.ts';
export { MemoryGenerations, type Generations } from './generations.ts';
export { GenerationCache } from './generationCache.ts';
export { NodeUnreachable, REQUEST_TIMEOUT_MS, type CommandHandler, type NodeCommand, type NodeMessenger } from './nodeMessenger.ts';
export type { NodeLoad, NodeRecord, NodeRegistry, NodeState } from './nodeRegistry.ts';

export interface LiveState {
  kind: 'memory' | 'redis';
  rateCounter: RateCounter;
  participants: ParticipantDirectory;
  /** The cluster's nodes and their heartbeats (one node alone: itself). */
  nodes: NodeRegistry;
  /** Which node hosts each channel. */
  placement: ChannelPlacement;
  /** Which nodes carry each cascaded channel. */
  sites: ChannelSites;
  /** Requests to other nodes (one node alone: to itself). */
  messenger: NodeMessenger;
  /** Change counters that tell every node when a cached read went stale. */
  generations: Generations;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface LiveOptions {
  redisUrl?: string | undefined;
  keyPrefix: string;
  nodeId: string;
}

export async function openLiveState(options: LiveOptions): Promise<LiveState> {
  if (!options.redisUrl) {
    const rateCounter = new MemoryRateCounter();
    const participants = new MemoryParticipantDirectory();
    return {
      kind: 'memory',
      rateCounter,
      participants,
      nodes: new MemoryNodeRegistry(),
      // The only node is the one asking.
      placement: new MemoryChannelPlacement(() => true),
      sites: new MemoryChannelSites(),
      messenger: new MemoryNodeMessenger(options.nodeId),
      generations: new MemoryGenerations(),
      ping: async () => {},
      close: async () => {
        await rateCounter.close();
        await participants.close();
      },
    };
  }
  // One write a tick rather than one a command (coalescingRedis.ts says why not auto-pipelining).
  const connection = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: true };
  const redis = new CoalescingRedis(options.redisUrl, connection);
  // Fail fast at start when Redis is unreachable, rather than on the first request.
  await redis.connect();
  const reads = await TrackedReads.open(options.redisUrl, { ...connection, connectionName: `parley:${options.nodeId}` });
  const rateCounter = new RedisRateCounter(redis, options.keyPrefix);
  const participants = new RedisParticipantDirectory(redis, reads, options.keyPrefix, options.nodeId);
  const nodes = new RedisNodeRegistry(redis, options.keyPrefix);
  const messenger = await RedisNodeMessenger.open(redis, options.keyPrefix, options.nodeId);
  return {
    kind: 'redis',
    rateCounter,
    participants,
    nodes,
    placement: new RedisChannelPlacement(redis, options.keyPrefix, nodes.recordKey('')),
    sites: new RedisChannelSites(redis, options.keyPrefix, nodes.recordKey('')),
    messenger,
    generations: new RedisGenerations(redis, reads, options.keyPrefix),
    ping: async () => void (await redis.ping()),
    close: async () => {
      await messenger.close();
      await rateCounter.close();
      await participants.close();
      await reads.close();
      await redis.quit();
    },
  };
}
