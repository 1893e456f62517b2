/**
 * Draining a node before it stops (SIGTERM in a cluster): its record says `draining`, so no new
 * channel is placed here; calls already here may go on for up to `drainSeconds`, and whoever is
 * still here then is moved: each channel is handed back and its clients join again through
 * another node (RtcService.evacuate). A node alone, or the last serving one, has nowhere to send
 * anyone: it stops as before.
 */
import type { Logger } from '../log/logger.ts';
import type { Services } from '../services.ts';

const POLL_MS = 500;

export async function drainNode(services: Services, drainSeconds: number, log: Logger, options: { cutShort?: Promise<unknown> } = {}): Promise<void> {
  const { membership, homes } = services.cluster;
  if (services.live.kind !== 'redis') return;
  const nodes = await homes.nodes().catch((error: unknown) => {
    log.warn({ err: error }, 'could not read the cluster\'s nodes to drain to: stopping without draining');
    return undefined;
  });
  if (!nodes) return;
  const others = nodes.filter((node) => node.id !== membership.nodeId && node.state === 'serving');
  if (others.length === 0) {
    log.info({ participants: services.rtc.load().participants }, 'not draining: no other node of the cluster is serving, so the calls here end with this node');
    return;
  }
  await membership.drain();
  const load = () => services.rtc.load();
  log.info({ participants: load().participants, rooms: load().rooms, drainSeconds }, 'draining: no new channels come here; calls may go on before their clients are moved');
  let cut = false;
  void options.cutShort?.then(() => (cut = true));
  const deadline = Date.now() + drainSeconds * 1000;
  while (!cut && Date.now() < deadline && load().participants > 0) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  const moved = await services.rtc.evacuate();
  log.info({ moved }, moved > 0 ? 'drained: the clients still here were sent to other nodes' : 'drained: every call here had ended');
}
