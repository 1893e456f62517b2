/**
 * The nodes of a Parley cluster as the session engine sees them: which ones a session may move to
 * when its own node dies, and the timings of moving. A channel lives on one node; when that node
 * dies the other nodes re-place the channel once its heartbeat lapses (at most 3 s, the node
 * record's time to live), and every client of the channel joins again through them.
 */
import { parseServerUrl, signalingUrl } from '../serverUrl.ts';

/**
 * How long a session's node must stay out of reach before the session moves to another node.
 * Shorter than the 3 s a dead node's heartbeat takes to lapse (moving sooner only meets redirects
 * back to the dead node), long enough that a blip of the client's own network (a Wi-Fi hand-over)
 * ends in a resume, which keeps the media connections, rather than a new join, which remakes them.
 * With a join, ICE and the first keyframe taking about a second or two, media is back well within 10 s.
 */
export const FAILOVER_AFTER_MS = 2_500;

/** How long opening a socket to one node may take while moving: a node that hangs gives way to the next. */
export const NODE_OPEN_TIMEOUT_MS = 2_000;

/** At join, how long each node of a configured list but the last may take to open a socket. */
export const JOIN_LIST_OPEN_TIMEOUT_MS = 5_000;

/** Pauses between rounds of moving: 250 ms, 500 ms, then every second, until the resume window ends. */
export function failoverBackoffMs(attempt: number): number {
  return Math.min(1_000, 250 * 2 ** attempt);
}

/**
 * The nodes a session knows: the cluster's serving nodes from the last `joined` (that node first),
 * then the configured ones (setServer's list) the cluster did not name, without repeats.
 */
export function knownNodes(fromCluster: readonly string[] | undefined, configured: readonly string[]): string[] {
  const nodes: string[] = [];
  const seen = new Set<string>();
  for (const node of [...(fromCluster ?? []), ...configured]) {
    let href: string;
    try {
      href = parseServerUrl(node).href;
    } catch {
      continue; // a node the server lists with a URL the SDK cannot use is skipped, not fatal
    }
    const key = signalingUrl(href);
    if (seen.has(key)) continue;
    seen.add(key);
    nodes.push(href);
  }
  return nodes;
}

/**
 * Where to join again when the node at signaling URL `current` is lost: every other node in
 * order, and with `includeCurrent` that node last (it may have come back after a restart).
 */
export function failoverTargets(nodes: readonly string[], current: string, includeCurrent = false): string[] {
  const others = nodes.filter((node) => signalingUrl(node) !== current);
  const own = nodes.filter((node) => signalingUrl(node) === current);
  return includeCurrent ? [...others, ...own] : others;
}
