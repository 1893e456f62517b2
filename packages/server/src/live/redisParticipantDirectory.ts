/**
 * The participant directory in Redis, shared by every node: a hash per channel (uid → JSON), a
 * sorted set per project of channels with their sizes, and a set per node of what it registered
 * so a restarted node can clear its leftovers.
 */
import type { Redis } from 'ioredis';
import type { Participant } from '@parley/protocol';
import { uidKey, type ChannelCount, type ParticipantDirectory } from './participantDirectory.ts';

export class RedisParticipantDirectory implements ParticipantDirectory {
  #redis: Redis;
  #prefix: string;
  #nodeId: string;

  constructor(redis: Redis, keyPrefix: string, nodeId: string) {
    this.#redis = redis;
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

  async put(appId: string, channel: string, participant: Participant): Promise<void> {
    const key = this.#channelKey(appId, channel);
    const uid = uidKey(participant.uid);
    const results = await this.#redis
      .multi()
      .hset(key, uid, JSON.stringify(participant))
      .hlen(key)
      .sadd(this.#nodeKey(this.#nodeId), JSON.stringify([appId, channel, uid]))
      .exec();
    const size = Number(results?.[1]?.[1] ?? 1);
    await this.#redis.zadd(this.#projectKey(appId), size, channel);
  }

  async remove(appId: string, channel: string, uid: number | string): Promise<void> {
    const key = this.#channelKey(appId, channel);
    const results = await this.#redis
      .multi()
      .hdel(key, uidKey(uid))
      .hlen(key)
      .srem(this.#nodeKey(this.#nodeId), JSON.stringify([appId, channel, uidKey(uid)]))
      .exec();
    const size = Number(results?.[1]?.[1] ?? 0);
    if (size === 0) await this.#redis.zrem(this.#projectKey(appId), channel);
    else await this.#redis.zadd(this.#projectKey(appId), size, channel);
  }

  async list(appId: string, channel: string): Promise<Participant[]> {
    const values = await this.#redis.hvals(this.#channelKey(appId, channel));
    return values.map((value) => JSON.parse(value) as Participant);
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
      await this.remove(appId, channel, uid);
    }
    await this.#redis.del(this.#nodeKey(nodeId));
  }

  async close(): Promise<void> {}
}
