/**
 * Where a new channel goes: the serving node with the fewest participants, then the lowest CPU
 * per core, then the smallest id. Participants first because a node's cost grows with the people
 * it forwards to, and a count is steady where a CPU sample jumps from second to second; the id
 * last so that two nodes choosing at the same moment from the same records choose alike.
 */
import type { NodeRecord } from '../live/nodeRegistry.ts';

export function leastLoaded(nodes: readonly NodeRecord[]): NodeRecord | undefined {
  const serving = nodes.filter((node) => node.state === 'serving');
  const cpuPerCore = (node: NodeRecord) => node.load.cpu / Math.max(1, node.load.cores);
  return serving.sort((a, b) => a.load.participants - b.load.participants || cpuPerCore(a) - cpuPerCore(b) || a.id.localeCompare(b.id))[0];
}

/**
 * Where a participant of a cascaded channel goes once its node holds `cap` of them: the owner while
 * it has room, then the fullest other node already carrying the channel that has room (so the
 * channel spans as few nodes, and relays, as it can), then the least-loaded node not carrying it.
 * When every serving node is full, the site with the fewest: the cap is a target, not a refusal.
 * `counts` are the channel's participants on each node carrying it; `usable` says which nodes may
 * take more (serving, and not this node while it is leaving).
 */
export function siteWithRoom(owner: string, counts: ReadonlyMap<string, number>, nodes: readonly NodeRecord[], cap: number, usable: (nodeId: string) => boolean): string {
  const count = (nodeId: string) => counts.get(nodeId) ?? 0;
  if (usable(owner) && count(owner) < cap) return owner;
  const sites = [...counts.keys()].filter((nodeId) => nodeId !== owner && usable(nodeId));
  const open = sites.filter((nodeId) => count(nodeId) < cap).sort((a, b) => count(b) - count(a) || a.localeCompare(b));
  if (open[0] !== undefined) return open[0];
  const fresh = leastLoaded(nodes.filter((node) => !counts.has(node.id) && node.id !== owner && usable(node.id)));
  if (fresh) return fresh.id;
  const fewest = [owner, ...sites].filter(usable).sort((a, b) => count(a) - count(b) || a.localeCompare(b));
  return fewest[0] ?? owner;
}
