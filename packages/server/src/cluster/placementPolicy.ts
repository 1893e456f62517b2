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
