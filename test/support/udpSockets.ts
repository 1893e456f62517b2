/**
 * The UDP sockets a process holds, from /proc: its socket descriptors matched against the
 * kernel's UDP table. Tells how many media ports a server really opened.
 */
import fs from 'node:fs';

export interface UdpSocket {
  address: string;
  port: number;
}

function hexToIpv4(hex: string): string {
  // /proc/net/udp writes the address as a little-endian 32-bit hex number.
  return [0, 2, 4, 6].map((at) => parseInt(hex.slice(at, at + 2), 16)).reverse().join('.');
}

export function udpSocketsOf(pid: number | 'self'): UdpSocket[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let link: string;
    try {
      link = fs.readlinkSync(`/proc/${pid}/fd/${fd}`, { encoding: 'utf8' });
    } catch {
      continue; // closed while the folder was read
    }
    const target = /^socket:\[(\d+)\]$/.exec(link);
    if (target) inodes.add(target[1]!);
  }
  return fs
    .readFileSync(`/proc/${pid}/net/udp`, 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 9 && inodes.has(fields[9]!))
    .map((fields) => {
      const [address, port] = fields[1]!.split(':');
      return { address: hexToIpv4(address!), port: parseInt(port!, 16) };
    });
}
