/**
 * Which node a channel lives on, for a join that reaches this node: here, or another node's URL
 * to send the client to. The first join of a channel places it on the least-loaded serving node
 * (an atomic claim, so simultaneous first joins through different nodes agree); while its room
 * exists the owner holds the placement, and releases it when the room empties.
 */
import { DomainError } from '../domainError.ts';
import type { EventBus } from '../events/bus.ts';
import type { ChannelPlacement } from '../live/channelPlacement.ts';
import type { NodeRecord } from '../live/nodeRegistry.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterMembership } from './membership.ts';
import { leastLoaded } from './placementPolicy.ts';

export type ChannelHome = { local: true } | { local: false; nodeId: string; url: string };

/** A join for a channel another node hosts: the client goes there. */
export class ChannelElsewhere extends Error {
  readonly nodeId: string;
  readonly url: string;

  constructor(nodeId: string, url: string) {
    super(`The channel is hosted by node ${nodeId}`);
    this.nodeId = nodeId;
    this.url = url;
  }
}

export class ChannelHomes {
  #membership: ClusterMembership;
  #placement: ChannelPlacement;
  #log: Logger;
  /**
   * Set while this node moves its clients to other nodes (draining, or after other nodes took it
   * for dead): no channel is hosted here any more, not even one whose room is still open.
   */
  evacuating = false;

  constructor(membership: ClusterMembership, placement: ChannelPlacement, events: EventBus, log: Logger) {
    this.#membership = membership;
    this.#placement = placement;
    this.#log = log;
    events.on('channel.created', (event) => this.#hold(event.appId, event.channel));
    events.on('channel.destroyed', (event) => this.#release(event.appId, event.channel));
  }

  /** The live nodes, this one included even when its record has not landed yet. */
  async nodes(): Promise<NodeRecord[]> {
    const nodes = await this.#membership.registry.list();
    return nodes.some((node) => node.id === this.#membership.nodeId) ? nodes : [...nodes, this.#membership.record()];
  }

  async homeOf(appId: string, channel: string): Promise<ChannelHome> {
    const nodes = await this.nodes();
    // A draining node takes no new channel, not even one a client reached it for.
    const candidate = leastLoaded(nodes) ?? this.#membership.record();
    const owner = await this.#placement.claim(appId, channel, candidate.id);
    if (owner === this.#membership.nodeId) {
      if (this.evacuating) throw new DomainError('unavailable', 'This node is leaving the cluster and no other node can take the channel: try again shortly');
      return { local: true };
    }
    const record = nodes.find((node) => node.id === owner) ?? (await this.#membership.registry.get(owner));
    if (!record) {
      // Its owner's record lapsed between the claim and now: the next join places it again.
      this.#log.warn({ appId, channel, owner }, 'channel placed on a node that is gone; hosting it here');
      return { local: true };
    }
    return { local: false, nodeId: owner, url: record.url };
  }

  /** Serving URLs of the cluster's nodes, this one first, for clients to fall back on. */
  async servingUrls(): Promise<string[]> {
    const nodes = await this.nodes();
    const others = nodes.filter((node) => node.state === 'serving' && node.id !== this.#membership.nodeId).map((node) => node.url);
    return [this.#membership.url, ...others.sort()];
  }

  /** Hands a channel back: the next join places it anew (draining). */
  release(appId: string, channel: string): Promise<void> {
    return this.#placement.release(appId, channel, this.#membership.nodeId);
  }

  // The bus logs a listener that fails, and waits for these at shutdown.
  async #hold(appId: string, channel: string): Promise<void> {
    if (!(await this.#placement.hold(appId, channel, this.#membership.nodeId))) this.#log.warn({ appId, channel }, 'a room was opened here for a channel another node hosts');
  }

  async #release(appId: string, channel: string): Promise<void> {
    await this.release(appId, channel);
  }
}
