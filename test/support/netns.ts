/**
 * A client machine behind a NAT, built from Linux network namespaces for tests that need real
 * networks (needs root, `ip` and `nft`). Three parties:
 *
 *   host (servers listen on `hostAddress`) ── uplink 198.18.N.0/24 ── router namespace (masquerade)
 *     ── LAN 198.19.N.0/24 ── client namespace (`clientAddress`, where Chromium runs)
 *
 * The host sees every packet from the client as coming from the router's uplink address, as a
 * server on the internet sees a home network. Only addresses of 198.18.0.0/15 (reserved for
 * network tests) are used. `throttle` limits the client's downlink with a token bucket (`tc tbf`)
 * on the router's LAN side, as a slow access link does. Every namespace and veth carries the prefix `pnt<pid>`, so a later run
 * can remove what a crashed run left; deleting a namespace deletes its veth pair and nft tables.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PREFIX = 'pnt';
/**
 * The throttled link's queue: as long as a home router's buffer, so that a full link first shows
 * as growing delay (what Chromium's bandwidth estimator reads), then as loss.
 */
const THROTTLE_QUEUE_MS = 200;
/** The bucket's depth: a few full-size packets, so the link does not pass long bursts at line rate. */
const THROTTLE_BURST_BYTES = 6_000;

export interface NatClient {
  /** The client namespace, where `exec` and the Chromium wrapper run. */
  namespace: string;
  /** The host's end of the uplink: servers that the client should reach listen here. */
  hostAddress: string;
  /** What the host sees as the client's address (the router's, after masquerade). */
  natAddress: string;
  /** The client's own address, private to its LAN. */
  clientAddress: string;
  /** An executable that runs Debian's Chromium inside the client namespace (for playwright's `executablePath`). */
  chromiumPath: string;
  /** Runs a command inside the client namespace. */
  exec(command: string[]): Promise<{ stdout: string; stderr: string }>;
  /**
   * The client's outgoing firewall, replacing the previous one: drop every UDP packet (as networks
   * that let only TCP out), and/or UDP or TCP to the given ports (UDP to a server's media port
   * only leaves TURN over UDP). `{}` lets everything out again.
   */
  firewall(rules: { dropUdp?: boolean; dropUdpPorts?: number[]; dropTcpPorts?: number[] }): Promise<void>;
  /**
   * Steers the client's UDP to `hostAddress:port` to `hostAddress:toPort` instead (a destination
   * NAT in the router), e.g. through an impaired link (test/support/impairedLink.ts) in front of a
   * server's media port. Answers from `toPort` reach the client as if from `port`. `undefined`
   * stops steering.
   */
  redirectUdp(port: number | undefined, toPort?: number): Promise<void>;
  /**
   * Limits what reaches the client to `downKbps`, replacing the previous limit; `null` lifts it.
   * Packets beyond the rate wait in a queue of at most THROTTLE_QUEUE_MS, then drop.
   */
  throttle(limit: { downKbps: number } | null): Promise<void>;
  close(): Promise<void>;
}

async function ip(args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

async function inNamespace(namespace: string, command: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('ip', ['netns', 'exec', namespace, ...command]);
}

async function nft(namespace: string, script: string): Promise<void> {
  const child = execFile('ip', ['netns', 'exec', namespace, 'nft', '-f', '-']);
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr += chunk));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`nft in ${namespace} failed: ${stderr}`))));
  });
  child.stdin!.end(script);
  await done;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Deletes namespaces and host veths of earlier runs whose process is gone. */
export async function removeStaleNamespaces(): Promise<void> {
  const owner = (name: string) => Number(/^pnt(\d+)[a-z]$/.exec(name)?.[1] ?? NaN);
  const stale = (name: string) => name.startsWith(PREFIX) && Number.isInteger(owner(name)) && !alive(owner(name));
  for (const line of (await ip(['netns', 'list'])).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (stale(name)) await ip(['netns', 'delete', name]).catch(() => {});
  }
  for (const line of (await ip(['-o', 'link', 'show'])).split('\n')) {
    const name = /^\d+: ([^:@]+)/.exec(line)?.[1] ?? '';
    if (stale(name)) await ip(['link', 'delete', name]).catch(() => {});
  }
}

/** A /24 of 198.18 (and its twin in 198.19) that no interface of the host uses yet. */
async function freeSubnet(): Promise<number> {
  const used = await ip(['-o', '-4', 'addr', 'show']);
  for (let attempt = 0; attempt < 200; attempt++) {
    const n = ((process.pid + attempt) % 250) + 1;
    if (!used.includes(` 198.18.${n}.`) && !used.includes(` 198.19.${n}.`)) return n;
  }
  throw new Error('no free 198.18.x.0/24 subnet on this host');
}

export async function createNatClient(): Promise<NatClient> {
  await removeStaleNamespaces();
  const id = `${PREFIX}${process.pid}`;
  const router = `${id}r`;
  const client = `${id}c`;
  const n = await freeSubnet();
  const hostAddress = `198.18.${n}.1`;
  const natAddress = `198.18.${n}.2`;
  const lanAddress = `198.19.${n}.1`;
  const clientAddress = `198.19.${n}.2`;
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${id}-`));
  const chromiumPath = path.join(scratch, 'chromium');

  async function close(): Promise<void> {
    await ip(['netns', 'delete', client]).catch(() => {});
    await ip(['netns', 'delete', router]).catch(() => {});
    // Deleting the router namespace deletes the veth pair, the host end included; this covers a half-made setup.
    await ip(['link', 'delete', `${id}h`]).catch(() => {});
    fs.rmSync(scratch, { recursive: true, force: true });
  }

  try {
    await ip(['netns', 'add', router]);
    await ip(['netns', 'add', client]);
    // Uplink: host <-> router.
    await ip(['link', 'add', `${id}h`, 'type', 'veth', 'peer', 'name', `${id}u`, 'netns', router]);
    await ip(['addr', 'add', `${hostAddress}/24`, 'dev', `${id}h`]);
    await ip(['link', 'set', `${id}h`, 'up']);
    // LAN: router <-> client.
    await ip(['-n', router, 'link', 'add', `${id}l`, 'type', 'veth', 'peer', 'name', `${id}x`, 'netns', client]);
    await ip(['-n', router, 'addr', 'add', `${natAddress}/24`, 'dev', `${id}u`]);
    await ip(['-n', router, 'addr', 'add', `${lanAddress}/24`, 'dev', `${id}l`]);
    for (const dev of ['lo', `${id}u`, `${id}l`]) await ip(['-n', router, 'link', 'set', dev, 'up']);
    await ip(['-n', router, 'route', 'add', 'default', 'via', hostAddress]);
    await inNamespace(router, ['sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    await nft(router, `table ip ${id}nat {\n chain postrouting {\n  type nat hook postrouting priority srcnat; policy accept;\n  oifname "${id}u" masquerade\n }\n}\n`);
    await ip(['-n', client, 'addr', 'add', `${clientAddress}/24`, 'dev', `${id}x`]);
    for (const dev of ['lo', `${id}x`]) await ip(['-n', client, 'link', 'set', dev, 'up']);
    await ip(['-n', client, 'route', 'add', 'default', 'via', lanAddress]);
    // playwright starts the browser with pipes on fds 3 and 4; `ip netns exec` keeps them open across exec.
    fs.writeFileSync(chromiumPath, `#!/bin/sh\nexec ip netns exec ${client} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
  } catch (error) {
    await close();
    throw error;
  }

  return {
    namespace: client,
    hostAddress,
    natAddress,
    clientAddress,
    chromiumPath,
    exec: (command) => inNamespace(client, command),
    async firewall({ dropUdp = false, dropUdpPorts = [], dropTcpPorts = [] }) {
      const rules = [
        ...(dropUdp ? ['oifname != "lo" meta l4proto udp drop'] : []),
        ...(dropUdpPorts.length > 0 ? [`oifname != "lo" udp dport { ${dropUdpPorts.join(', ')} } drop`] : []),
        ...(dropTcpPorts.length > 0 ? [`oifname != "lo" tcp dport { ${dropTcpPorts.join(', ')} } drop`] : []),
      ];
      // Declaring the table first makes the delete succeed whether or not it existed.
      await nft(client, `table inet ${id}fw\ndelete table inet ${id}fw\n`);
      if (rules.length > 0) await nft(client, `table inet ${id}fw {\n chain output {\n  type filter hook output priority filter; policy accept;\n${rules.map((rule) => `  ${rule}\n`).join('')} }\n}\n`);
    },
    async redirectUdp(port, toPort) {
      await nft(router, `table ip ${id}steer\ndelete table ip ${id}steer\n`);
      if (port === undefined || toPort === undefined) return;
      await nft(router, `table ip ${id}steer {\n chain prerouting {\n  type nat hook prerouting priority dstnat; policy accept;\n  iifname "${id}l" ip daddr ${hostAddress} udp dport ${port} dnat to ${hostAddress}:${toPort}\n }\n}\n`);
    },
    async throttle(limit) {
      // The router's LAN veth: its egress is everything the client receives.
      const device = ['dev', `${id}l`];
      if (limit) await inNamespace(router, ['tc', 'qdisc', 'replace', ...device, 'root', 'tbf', 'rate', `${limit.downKbps}kbit`, 'burst', `${THROTTLE_BURST_BYTES}`, 'latency', `${THROTTLE_QUEUE_MS}ms`]);
      // Deleting the root qdisc of a device that has none fails; the default one is left either way.
      else await inNamespace(router, ['tc', 'qdisc', 'del', ...device, 'root']).catch(() => {});
    },
    close,
  };
}
