/**
 * Which node hosts each channel: every participant of a channel is on that one node, wherever
 * they first connected. The first join places the channel; the owner holds it while its room
 * exists and releases it when the room empties. An owner whose node is gone counts as none, so
 * the next join places the channel again.
 */

export interface ChannelPlacement {
  /** The channel's node, when one hosts it and is alive. */
  owner(appId: string, channel: string): Promise<string | undefined>;
  /**
   * The channel's node: the live owner if there is one, else `candidate`, which becomes the owner.
   * Atomic: of two first joins through different nodes, both get the same answer. The placement
   * lapses after PLACEMENT_GRACE_MS unless the owner holds it (its room was created).
   */
  claim(appId: string, channel: string, candidate: string): Promise<string>;
  /** The owner's room exists: the placement stays until released. False when another node owns the channel. */
  hold(appId: string, channel: string, nodeId: string): Promise<boolean>;
  /** The owner's room is gone (or it hands the channel over): forgets the placement if it is still `nodeId`'s. */
  release(appId: string, channel: string, nodeId: string): Promise<void>;
}

/** How long a channel stays placed on a node that no participant has reached yet. */
export const PLACEMENT_GRACE_MS = 30_000;

function channelKey(appId: string, channel: string): string {
  return `${appId}\u0000${channel}`;
}

/** One node alone: placement is trivial, but the rules are the same. */
export class MemoryChannelPlacement implements ChannelPlacement {
  #owners = new Map<string, { nodeId: string; expiresAt: number }>();
  #alive: (nodeId: string) => boolean;

  constructor(alive: (nodeId: string) => boolean) {
    this.#alive = alive;
  }

  #current(appId: string, channel: string): string | undefined {
    const entry = this.#owners.get(channelKey(appId, channel));
    return entry && entry.expiresAt > Date.now() && this.#alive(entry.nodeId) ? entry.nodeId : undefined;
  }

  async owner(appId: string, channel: string): Promise<string | undefined> {
    return this.#current(appId, channel);
  }

  async claim(appId: string, channel: string, candidate: string): Promise<string> {
    const owner = this.#current(appId, channel);
    if (owner) return owner;
    this.#owners.set(channelKey(appId, channel), { nodeId: candidate, expiresAt: Date.now() + PLACEMENT_GRACE_MS });
    return candidate;
  }

  async hold(appId: string, channel: string, nodeId: string): Promise<boolean> {
    const key = channelKey(appId, channel);
    const entry = this.#owners.get(key);
    if (entry && entry.nodeId !== nodeId && this.#current(appId, channel)) return false;
    this.#owners.set(key, { nodeId, expiresAt: Infinity });
    return true;
  }

  async release(appId: string, channel: string, nodeId: string): Promise<void> {
    const key = channelKey(appId, channel);
    if (this.#owners.get(key)?.nodeId === nodeId) this.#owners.delete(key);
  }
}
