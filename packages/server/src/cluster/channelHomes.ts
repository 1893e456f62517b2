/**
 * Which node a channel lives on, for a join that reaches this node: here, or another node's URL
 * to send the client to. The first join of a channel places it on the least-loaded serving node
 * (an atomic claim, so simultaneous first joins through different nodes agree); while its room
 * exists the owner holds the placement, and releases it when the room empties.
 */
import { DomainError } from '../domainError.ts';
import type { EventBus } from '../events/bus.ts';
import type { ChannelPlacement } from '../live/channelPlacement.ts';
import type { ChannelSites } from '../live/channelSites.ts';
import type { NodeRecord } from '../live/nodeRegistry.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterMembership } from './membership.ts';
import { leastLoaded, siteWithRoom } from './placementPolicy.ts';

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

export interface CascadeSettings {
  sites: ChannelSites;
  /** Participants of one channel a node takes before the channel grows onto another; 0: never. */
  cap: number;
}

export class ChannelHomes {
  #membership: ClusterMembership;
  #placement: ChannelPlacement;
  #cascade: CascadeSettings;
  #log: Logger;
  /**
   * Set while this node moves its clients to other nodes (draining, or after other nodes took it
   * for dead): no channel is hosted here any more, not even one whose room is still open.
   */
  evacuating = false;

  constructor(membership: ClusterMembership, placement: ChannelPlacement, cascade: CascadeSettings, events: EventBus, log: Logger) {
    this.#membership = membership;
    this.#placement = placement;
    this.#cascade = cascade;
    this.#log = log;
    events.on('channel.created', (event) => this.#hold(event.appId, event.channel));
    events.on('channel.destroyed', (event) => this.#release(event.appId, event.channel));
  }

  /** The live nodes, this one included even when its record has not landed yet. */
  async nodes(): Promise<NodeRecord[]> {
    const nodes = await this.#membership.registry.list();
    return nodes.some((node) => node.id === this.#membership.nodeId) ? nodes : [...nodes, this.#membership.record()];
  }

  /** Whether `participants` of a channel on this node are as many as it takes before the channel cascades. */
  isFull(participants: number): boolean {
    return this.#cascade.cap > 0 && participants >= this.#cascade.cap;
  }

  /**
   * Where a join for the channel goes: its node, or with cascading (a participant cap) another node
   * carrying it once that one is full. `hereAlready`: the channel's participants on this node.
   */
  async homeOf(appId: string, channel: string, hereAlready = 0): Promise<ChannelHome> {
    const nodes = await this.nodes();
    const owner = await this.#claim(appId, channel, nodes);
    const home = this.#cascade.cap > 0 ? await this.#siteFor(appId, channel, owner, nodes, hereAlready) : owner;
    return this.#where(appId, channel, home, nodes);
  }

  /** The channel's node, ignoring cascading: where its recordings run. */
  async ownerOf(appId: string, channel: string): Promise<ChannelHome> {
    const nodes = await this.nodes();
    return this.#where(appId, channel, await this.#claim(appId, channel, nodes), nodes);
  }

  #claim(appId: string, channel: string, nodes: NodeRecord[]): Promise<string> {
    // A draining node takes no new channel, not even one a client reached it for.
    const candidate = leastLoaded(nodes) ?? this.#membership.record();
    return this.#placement.claim(appId, channel, candidate.id);
  }

  async #siteFor(appId: string, channel: string, owner: string, nodes: NodeRecord[], hereAlready: number): Promise<string> {
    const me = this.#membership.nodeId;
    const counts = await this.#cascade.sites.list(appId, channel);
    // This node's own count is exact; the others' are as they last wrote them.
    if (hereAlready > 0) counts.set(me, hereAlready);
    const serving = new Set(nodes.filter((node) => node.state === 'serving').map((node) => node.id));
    return siteWithRoom(owner, counts, nodes, this.#cascade.cap, (nodeId) => serving.has(nodeId) && !(nodeId === me && this.evacuating));
  }

  async #where(appId: string, channel: string, owner: string, nodes: NodeRecord[]): Promise<ChannelHome> {
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
    const held = await this.#placement.hold(appId, channel, this.#membership.nodeId);
    // With cascading, a room here for a channel another node owns is one of the channel's sites.
    if (!held && this.#cascade.cap === 0) this.#log.warn({ appId, channel }, 'a room was opened here for a channel another node hosts');
  }

  async #release(appId: string, channel: string): Promise<void> {
    await this.release(appId, channel);
  }
}
