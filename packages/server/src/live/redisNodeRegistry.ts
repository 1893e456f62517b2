/**
 * The node registry in Redis: a key per node holding its record, written on every heartbeat with
 * an expiry (a node that stops writing disappears by itself), and a set of every node id that
 * registered, so that the ones whose key expired can be told apart: gone without leaving.
 */
import type { Redis } from 'ioredis';
import type { NodeRecord, NodeRegistry } from './nodeRegistry.ts';

export class RedisNodeRegistry implements NodeRegistry {
  #redis: Redis;
  #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}cluster:`;
  }

  /** The key of a node's record (placement's script checks it exists). */
  recordKey(nodeId: string): string {
    return `${this.#prefix}node:${nodeId}`;
  }

  get #idsKey(): string {
    return `${this.#prefix}nodes`;
  }

  async beat(record: NodeRecord, ttlMs: number): Promise<void> {
    await this.#redis.multi().set(this.recordKey(record.id), JSON.stringify(record), 'PX', ttlMs).sadd(this.#idsKey, record.id).exec();
  }

  async list(): Promise<NodeRecord[]> {
    const ids = await this.#redis.smembers(this.#idsKey);
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(ids.map((id) => this.recordKey(id)));
    return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as NodeRecord);
  }

  async get(nodeId: string): Promise<NodeRecord | undefined> {
    const value = await this.#redis.get(this.recordKey(nodeId));
    return value === null ? undefined : (JSON.parse(value) as NodeRecord);
  }

  async lapsed(): Promise<string[]> {
    const ids = await this.#redis.smembers(this.#idsKey);
    if (ids.length === 0) return [];
    const values = await this.#redis.mget(ids.map((id) => this.recordKey(id)));
    return ids.filter((_, index) => values[index] === null);
  }

  async remove(nodeId: string): Promise<void> {
    await this.#redis.multi().del(this.recordKey(nodeId)).srem(this.#idsKey, nodeId).exec();
  }

  async claimReaping(nodeId: string, claimant: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(`${this.#prefix}reaping:${nodeId}`, claimant, 'PX', ttlMs, 'NX')) === 'OK';
  }
}
