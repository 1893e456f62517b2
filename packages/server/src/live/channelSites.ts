/**
 * Which nodes carry a cascaded channel, and how many of its participants each one holds. A channel
 * whose node reached its participant cap (PARLEY_CHANNEL_NODE_CAP) grows onto other nodes; each
 * of them is a site of the channel, listed here while its room has anyone in it. A site whose node
 * is gone counts as none.
 */

export interface ChannelSites {
  /** `nodeId` holds `count` of the channel's participants (0: it no longer carries the channel). */
  set(appId: string, channel: string, nodeId: string, count: number): Promise<void>;
  /** The live nodes that carry the channel, with their participant counts. */
  list(appId: string, channel: string): Promise<Map<string, number>>;
}

function channelKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}

/** One node alone is the only site of every channel. */
export class MemoryChannelSites implements ChannelSites {
  #sites = new Map<string, Map<string, number>>();

  async set(appId: string, channel: string, nodeId: string, count: number): Promise<void> {
    const key = channelKey(appId, channel);
    const sites = this.#sites.get(key) ?? new Map<string, number>();
    if (count > 0) sites.set(nodeId, count);
    else sites.delete(nodeId);
    if (sites.size > 0) this.#sites.set(key, sites);
    else this.#sites.delete(key);
  }

  async list(appId: string, channel: string): Promise<Map<string, number>> {
    return new Map(this.#sites.get(channelKey(appId, channel)));
  }
}
