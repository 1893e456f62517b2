/**
 * The participant directory in Redis, shared by every node: a hash per channel (uid → JSON), a
 * sorted set per project of channels with their sizes, and a set per node of what it registered
 * so a restarted node can clear its leftovers.
 */
import type { Redis } from 'ioredis';
import type { Participant } from '@parley/protocol';
import type { MaybeAsync } from '../maybeAsync.ts';
import { uidKey, type ChannelCount, type ParticipantDirectory } from './participantDirectory.ts';
import type { TrackedReads } from './trackedReads.ts';

/**
 * Removes a participant only if the node removing it is the one that registered it: a client that
 * moved to another node (failover, draining) re-registers there, and the old node's late removal
 * (or the clean-up after it died) must not erase the new entry. Keeps the project's channel sizes.
 * KEYS: channel hash, owners hash, project set, node set; ARGV: uid, node id, channel, node-set member.
 */
const REMOVE_IF_OWNED = `
redis.call('SREM', KEYS[4], ARGV[4])
local owner = redis.call('HGET', KEYS[2], ARGV[1])
if owner and owner ~= ARGV[2] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
local size = redis.call('HLEN', KEYS[1])
if size == 0 then redis.call('ZREM', KEYS[3], ARGV[3]) else redis.call('ZADD', KEYS[3], size, ARGV[3]) end
return size`;

/**
 * A channel's list is read on every channel GET and changes only when someone joins or leaves, so
 * it is read through tracked reads (trackedReads.ts): from memory until Redis says it changed.
 */
export class RedisParticipantDirectory implements ParticipantDirectory {
  #redis: Redis;
  #reads: TrackedReads;
  #prefix: string;
  #nodeId: string;

  constructor(redis: Redis, reads: TrackedReads, keyPrefix: string, nodeId: string) {
    this.#redis = redis;
    this.#reads = reads;
    this.#prefix = keyPrefix;
    this.#nodeId = nodeId;
  }

  #channelKey(appId: string, channel: string): string {
    return `${this.#prefix}participants:${appId}:${channel}`;
  }

  #projectKey(appId: string): string {
    return `${this.#prefix}channels:${appId}`;
  }

  #nodeKey(nodeId: string): string {
    return `${this.#prefix}node:${nodeId}:participants`;
  }

  /** uid → the node that registered the participant. */
  #ownersKey(appId: string, channel: string): string {
    return `${this.#prefix}participant-nodes:${appId}:${channel}`;
  }

  async put(appId: string, channel: string, participant: Participant): Promise<void> {
    const key = this.#channelKey(appId, channel);
    const uid = uidKey(participant.uid);
    const results = await this.#redis
      .multi()
      .hset(key, uid, JSON.stringify(participant))
      .hlen(key)
      .hset(this.#ownersKey(appId, channel), uid, this.#nodeId)
      .sadd(this.#nodeKey(this.#nodeId), JSON.stringify([appId, channel, uid]))
      .exec();
    this.#reads.forget(key);
    const size = Number(results?.[1]?.[1] ?? 1);
    await this.#redis.zadd(this.#projectKey(appId), size, channel);
  }

  async remove(appId: string, channel: string, uid: number | string): Promise<void> {
    await this.#removeAs(this.#nodeId, appId, channel, uidKey(uid));
  }

  async #removeAs(nodeId: string, appId: string, channel: string, uid: string): Promise<void> {
    const keys = [this.#channelKey(appId, channel), this.#ownersKey(appId, channel), this.#projectKey(appId), this.#nodeKey(nodeId)];
    await this.#redis.eval(REMOVE_IF_OWNED, keys.length, ...keys, uid, nodeId, channel, JSON.stringify([appId, channel, uid]));
    this.#reads.forget(keys[0]!);
  }

  list(appId: string, channel: string): MaybeAsync<readonly Participant[]> {
    const key = this.#channelKey(appId, channel);
    return this.#reads.read(key, async (reader) => (await reader.hvals(key)).map((value) => JSON.parse(value) as Participant));
  }

  async channels(appId: string): Promise<ChannelCount[]> {
    const flat = await this.#redis.zrange(this.#projectKey(appId), '0', '-1', 'WITHSCORES');
    const counts: ChannelCount[] = [];
    for (let i = 0; i < flat.length; i += 2) counts.push({ channel: flat[i]!, participantCount: Number(flat[i + 1]) });
    return counts;
  }

  async clearNode(nodeId: string): Promise<void> {
    const entries = await this.#redis.smembers(this.#nodeKey(nodeId));
    for (const entry of entries) {
      const [appId, channel, uid] = JSON.parse(entry) as [string, string, string];
      await this.#removeAs(nodeId, appId, channel, uid);
    }
    await this.#redis.del(this.#nodeKey(nodeId));
  }

  async close(): Promise<void> {}
}
