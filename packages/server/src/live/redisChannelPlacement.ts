/**
 * Channel placement in Redis: a key per channel holding its node's id. Claims and holds run as
 * Lua scripts, so reading the owner, checking that its node is alive (its registry record has not
 * expired) and writing the new owner happen as one step that no other node can interleave with.
 */
import type { Redis } from 'ioredis';
import { PLACEMENT_GRACE_MS, type ChannelPlacement } from './channelPlacement.ts';

/** KEYS[1] channel key; ARGV: candidate, grace ms, node record key prefix. Returns the owner. */
const CLAIM = `
local owner = redis.call('GET', KEYS[1])
if owner and redis.call('EXISTS', ARGV[3] .. owner) == 1 then return owner end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`;

/** KEYS[1] channel key; ARGV: node id, node record key prefix. 1 when held, 0 when another live node owns it. */
const HOLD = `
local owner = redis.call('GET', KEYS[1])
if owner and owner ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. owner) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
return 1`;

/** KEYS[1] channel key; ARGV[1] node id: deletes only its own placement. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

export class RedisChannelPlacement implements ChannelPlacement {
  #redis: Redis;
  #prefix: string;
  #recordKeyPrefix: string;

  /** `recordKeyPrefix` + node id is the key of a live node's registry record. */
  constructor(redis: Redis, keyPrefix: string, recordKeyPrefix: string) {
    this.#redis = redis;
    this.#prefix = `${keyPrefix}cluster:channel:`;
    this.#recordKeyPrefix = recordKeyPrefix;
  }

  #key(appId: string, channel: string): string {
    return `${this.#prefix}${appId}:${channel}`;
  }

  async owner(appId: string, channel: string): Promise<string | undefined> {
    const owner = await this.#redis.get(this.#key(appId, channel));
    if (owner === null) return undefined;
    return (await this.#redis.exists(this.#recordKeyPrefix + owner)) === 1 ? owner : undefined;
  }

  async claim(appId: string, channel: string, candidate: string): Promise<string> {
    return String(await this.#redis.eval(CLAIM, 1, this.#key(appId, channel), candidate, PLACEMENT_GRACE_MS, this.#recordKeyPrefix));
  }

  async hold(appId: string, channel: string, nodeId: string): Promise<boolean> {
    return Number(await this.#redis.eval(HOLD, 1, this.#key(appId, channel), nodeId, this.#recordKeyPrefix)) === 1;
  }

  async release(appId: string, channel: string, nodeId: string): Promise<void> {
    await this.#redis.eval(RELEASE, 1, this.#key(appId, channel), nodeId);
  }
}
