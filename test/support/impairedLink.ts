/**
 * A lossy, slow link for media, in user space: this kernel has no netem qdisc, so loss and delay
 * come from a UDP relay that the client's datagrams are steered through (see `redirectUdp` of
 * test/support/netns.ts). Every client address (as the relay sees it, after the NAT) gets its own
 * upstream socket to the target, as a NAT gives each flow its own port; the target sees the
 * relay's sockets as the client's addresses, and its answers go back through the relay.
 *
 * Each datagram, either way, is dropped with probability `lossRate` and otherwise held for half
 * the round-trip delay. Timers of one duration fire in the order they were set, so the relay never
 * reorders a flow.
 */
import dgram from 'node:dgram';

export interface Impairment {
  /** Share of datagrams dropped in each direction, 0 to 1. */
  lossRate: number;
  /** Round-trip delay added, in milliseconds (half each way). */
  rttMs: number;
}

export interface ImpairedLinkStats {
  /** Datagrams from clients towards the target: forwarded and dropped. */
  up: { forwarded: number; dropped: number };
  /** Datagrams from the target back to clients. */
  down: { forwarded: number; dropped: number };
}

export interface ImpairedLink {
  /** Where the client's datagrams must be steered to. */
  port: number;
  /** Changes loss and delay for what arrives from now on. */
  impair(impairment: Impairment): void;
  stats(): ImpairedLinkStats;
  close(): Promise<void>;
}

interface Flow {
  upstream: dgram.Socket;
}

/**
 * Listens on `address` (a free port) and relays to `target`. `random` decides drops; a seeded one
 * makes a run repeatable.
 */
export async function startImpairedLink(address: string, target: { address: string; port: number }, impairment: Impairment, random: () => number = Math.random): Promise<ImpairedLink> {
  let current = { ...impairment };
  const stats: ImpairedLinkStats = { up: { forwarded: 0, dropped: 0 }, down: { forwarded: 0, dropped: 0 } };
  const flows = new Map<string, Flow>();
  const pending = new Set<NodeJS.Timeout>();
  let closed = false;

  /** Drops or delays one datagram; `send` runs when it is due. */
  function pass(direction: ImpairedLinkStats['up'], send: () => void): void {
    if (random() < current.lossRate) {
      direction.dropped++;
      return;
    }
    direction.forwarded++;
    const oneWayMs = current.rttMs / 2;
    if (oneWayMs <= 0) return send();
    const timer = setTimeout(() => {
      pending.delete(timer);
      if (!closed) send();
    }, oneWayMs);
    pending.add(timer);
  }

  const listener = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.bind(0, address, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  // A datagram that cannot be delivered is a lost packet on this link, not a failure of the test.
  listener.on('error', () => {});

  function flowOf(client: dgram.RemoteInfo): Flow {
    const key = `${client.address}:${client.port}`;
    let flow = flows.get(key);
    if (flow) return flow;
    const upstream = dgram.createSocket('udp4');
    upstream.on('error', () => {});
    upstream.on('message', (message) => pass(stats.down, () => listener.send(message, client.port, client.address)));
    upstream.bind(0, address);
    flow = { upstream };
    flows.set(key, flow);
    return flow;
  }

  listener.on('message', (message, client) => {
    const { upstream } = flowOf(client);
    pass(stats.up, () => upstream.send(message, target.port, target.address));
  });

  return {
    port: listener.address().port,
    impair(impairment) {
      current = { ...impairment };
    },
    stats: () => structuredClone(stats),
    async close() {
      closed = true;
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
      const sockets = [listener, ...[...flows.values()].map((flow) => flow.upstream)];
      flows.clear();
      await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
    },
  };
}
