/**
 * Works out, at start, which addresses the SFU receives media on and announces to clients, from
 * the settings and the host's interfaces, and says what is wrong with the settings: an address
 * that is not the host's would hand every client a candidate it can never reach, so readiness
 * fails and the log names what to set instead, rather than calls failing silently.
 */
import os from 'node:os';
import type { MuxBinding } from './udpMux.ts';

export interface MediaAddressSettings {
  /** PARLEY_HOST: media stays on loopback when the server itself does. */
  httpHost: string;
  addresses?: string[];
  publicAddresses?: string[];
}

export interface MediaAddresses {
  /** Addresses in the SFU's host candidates, local ones first. */
  announced: string[];
  /** The sockets of single-port mode: one per local address; public addresses ride on the first. */
  bindings: MuxBinding[];
  /** Settings that cannot work, each naming its variable and what to set instead; empty when all is well. */
  problems: string[];
}

type Interfaces = ReturnType<typeof os.networkInterfaces>;

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function localIpv4(interfaces: Interfaces): { all: string[]; external: string[] } {
  const entries = Object.values(interfaces).flatMap((list) => list ?? []).filter((entry) => entry.family === 'IPv4');
  return { all: entries.map((entry) => entry.address), external: entries.filter((entry) => !entry.internal).map((entry) => entry.address) };
}

export function resolveMediaAddresses(settings: MediaAddressSettings, interfaces: Interfaces = os.networkInterfaces()): MediaAddresses {
  const local = localIpv4(interfaces);
  const wanted = settings.addresses ?? (isLoopbackHost(settings.httpHost) || local.external.length === 0 ? ['127.0.0.1'] : local.external);
  const problems: string[] = [];
  const notLocal = wanted.filter((address) => !local.all.includes(address));
  if (notLocal.length > 0) {
    problems.push(
      `PARLEY_RTC_ADDRESS ${notLocal.join(', ')} is not an address of this host (its addresses: ${local.all.join(', ')}); ` +
        `set PARLEY_RTC_ADDRESS to local ones, and PARLEY_RTC_PUBLIC_ADDRESS=${notLocal.join(',')} if the host is behind 1:1 NAT`,
    );
  }
  const bound = wanted.filter((address) => local.all.includes(address));
  const publicAddresses = (settings.publicAddresses ?? []).filter((address) => !bound.includes(address));
  // Addresses that are not the host's cannot be bound: they ride on a wildcard socket, as public ones would.
  const riding = [...notLocal, ...publicAddresses];
  const bindings: MuxBinding[] = bound.map((address) => ({ bindAddress: address, announcedAddresses: [address] }));
  if (bindings.length === 0) bindings.push({ bindAddress: '0.0.0.0', announcedAddresses: [] });
  bindings[0]!.announcedAddresses.push(...riding);
  return { announced: [...bound, ...riding], bindings, problems };
}
