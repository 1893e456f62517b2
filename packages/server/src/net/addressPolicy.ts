/**
 * Where the server may connect on a customer's say-so (webhook URLs, recording storage endpoints):
 * the SSRF guard. Parley's server usually sits inside a private
 * network next to databases, metadata services and admin ports; a customer who may register any
 * URL must not be able to make it POST there. So by default only public unicast addresses are
 * allowed, a host name counts only if *every* address it resolves to is public, and the delivery
 * connects to the address that was checked (a second lookup could answer differently: DNS
 * rebinding). `PARLEY_WEBHOOK_ALLOW_PRIVATE=true` lifts the rule for self-hosted set-ups whose
 * receivers are on the same network.
 */
import dns from 'node:dns/promises';
import net from 'node:net';

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'this-network'
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'documentation'
  | 'benchmarking'
  | 'unique-local'
  | 'site-local';

type Range4 = [base: string, prefix: number, kind: AddressClass];

// RFC 6890 and the IANA special-purpose registry; first match wins.
const IPV4_RANGES: Range4[] = [
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const IPV4_TABLE = IPV4_RANGES.map(([base, prefix, kind]) => {
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipv4ToNumber(base) / size) * size;
  return { start, end: start + size - 1, kind };
});

function classifyIpv4(ip: string): AddressClass {
  const value = ipv4ToNumber(ip);
  return IPV4_TABLE.find((range) => value >= range.start && value <= range.end)?.kind ?? 'public';
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded IPv4 expanded). */
function ipv6Groups(ip: string): number[] {
  let text = ip.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function embeddedIpv4(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function classifyIpv6(ip: string): AddressClass {
  const g = ipv6Groups(ip);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address it carries: judged as that address.
  if (zeroUpTo(5) && g5 === 0xffff) return classifyIpv4(embeddedIpv4(g6, g7));
  // IPv4-compatible (::a.b.c.d), deprecated since 2006.
  if (zeroUpTo(6)) return 'reserved';
  // NAT64 (64:ff9b::a.b.c.d) also reaches the IPv4 address it carries.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyIpv4(embeddedIpv4(g6, g7));
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 1) return 'private';
  // 6to4 (2002:a.b.c.d::/48) tunnels to the IPv4 address in bits 16-47.
  if (g0 === 0x2002) return classifyIpv4(embeddedIpv4(g1, g2));
  if (g0 === 0x2001 && g1 === 0x0db8) return 'documentation';
  if (g0 === 0x2001 && g1 === 0) return 'reserved'; // Teredo
  if (g0 === 0x0100 && g1 === 0 && g2 === 0 && g3 === 0) return 'reserved'; // discard-only
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  // Only 2000::/3 is allocated as global unicast.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/** The kind of an IP address literal; undefined when `ip` is not one. */
export function classifyAddress(ip: string): AddressClass | undefined {
  const family = net.isIP(ip.split('%')[0]!);
  if (family === 4) return classifyIpv4(ip);
  if (family === 6) return classifyIpv6(ip);
  return undefined;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const LOOKUP_TIMEOUT_MS = 5_000;

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), every address it gives. */
export const systemResolver: Resolver = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`looking up ${hostname} took over ${LOOKUP_TIMEOUT_MS / 1000} s`)), LOOKUP_TIMEOUT_MS);
  });
  try {
    const answers = await Promise.race([dns.lookup(hostname, { all: true, verbatim: true }), timeout]);
    return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
  } finally {
    clearTimeout(timer);
  }
};

/** A webhook URL that must not be (or cannot be) delivered to; the message says why. */
export class TargetRefused extends Error {}

export interface TargetPolicy {
  allowPrivate: boolean;
  resolve: Resolver;
}

export interface DeliveryTarget {
  url: URL;
  /** The checked address to connect to. */
  address: string;
  family: 4 | 6;
}

const ALLOW_HINT = 'set PARLEY_WEBHOOK_ALLOW_PRIVATE=true (or serve --webhook-allow-private) to allow them';

function refuseUnlessPublic(address: string, kind: AddressClass, hostname: string, policy: TargetPolicy): void {
  if (kind === 'public' || policy.allowPrivate) return;
  const via = hostname === address ? address : `${hostname} resolves to ${address}`;
  throw new TargetRefused(`${via}, a ${kind} address; webhooks to non-public addresses are refused: ${ALLOW_HINT}`);
}

/**
 * Resolves a webhook URL to the one address to connect to, after checking every address its host
 * has. Throws TargetRefused for a URL that is not http(s), a host that does not resolve, or any
 * non-public address (unless allowed).
 */
export async function resolveDeliveryTarget(rawUrl: string, policy: TargetPolicy): Promise<DeliveryTarget> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new TargetRefused('is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefused('must be an http or https URL');
  // The URL parser has already turned decimal, octal and hex IPv4 spellings into dotted quads.
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = classifyAddress(hostname);
  if (literal !== undefined) {
    refuseUnlessPublic(hostname, literal, hostname, policy);
    return { url, address: hostname, family: net.isIP(hostname) === 6 ? 6 : 4 };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await policy.resolve(hostname);
  } catch (error) {
    throw new TargetRefused(`host ${hostname} does not resolve (${(error as { code?: string }).code ?? (error as Error).message})`);
  }
  if (addresses.length === 0) throw new TargetRefused(`host ${hostname} does not resolve`);
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind === undefined) throw new TargetRefused(`host ${hostname} resolved to ${address}, which is not an IP address`);
    refuseUnlessPublic(address, kind, hostname, policy);
  }
  const [first] = addresses;
  return { url, address: first!.address, family: first!.family };
}
