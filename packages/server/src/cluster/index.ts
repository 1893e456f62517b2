/**
 * The cluster as this node takes part in it: its membership (heartbeat, state, load) and where
 * channels live. One node alone runs the same code on memory-backed registry and placement.
 */
import type { EventBus } from '../events/bus.ts';
import type { ChannelPlacement, NodeRegistry } from '../live/index.ts';
import type { Logger } from '../log/logger.ts';
import { ChannelHomes, type CascadeSettings } from './channelHomes.ts';
import { ClusterMembership, type CarriedLoad } from './membership.ts';

export { ChannelElsewhere, ChannelHomes, type CascadeSettings, type ChannelHome } from './channelHomes.ts';
export { Reaper, REAP_INTERVAL_MS } from './reaper.ts';
export { ClusterMembership, HEARTBEAT_INTERVAL_MS, HEARTBEAT_TTL_MS, type CarriedLoad } from './membership.ts';

export interface Cluster {
  membership: ClusterMembership;
  homes: ChannelHomes;
}

export interface ClusterDeps {
  nodes: NodeRegistry;
  placement: ChannelPlacement;
  nodeId: string;
  /** PARLEY_NODE_URL, or '' until the listener is bound (server.ts sets it then). */
  url: string;
  events: EventBus;
  /** Cascading: where channels' sites are listed, and the participant cap per node. */
  cascade: CascadeSettings;
  log: Logger;
  carried: () => CarriedLoad;
  /** See MembershipDeps.fenced. */
  fenced?: (silentMs: number) => void;
}

export function createCluster(deps: ClusterDeps): Cluster {
  const membership = new ClusterMembership({
    registry: deps.nodes,
    nodeId: deps.nodeId,
    url: deps.url,
    carried: deps.carried,
    log: deps.log,
    ...(deps.fenced ? { fenced: deps.fenced } : {}),
  });
  return { membership, homes: new ChannelHomes(membership, deps.placement, deps.cascade, deps.events, deps.log) };
}
