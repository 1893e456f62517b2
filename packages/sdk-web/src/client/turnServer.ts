/**
 * Agora's TURN server settings (`client.setTurnServer`) as the RTCIceServer entries WebRTC takes:
 * `turn:` over UDP and TCP on the given ports, `turns:` when `security` is set.
 */
import { invalidParams } from '../errors.ts';

export interface TurnServerConfig {
  turnServerURL: string;
  username: string;
  password: string;
  /** UDP port (default 3478). */
  udpport?: number;
  /** TCP port (default: the UDP port). */
  tcpport?: number;
  /** Accepted for compatibility: the browser still tries direct paths first. */
  forceturn?: boolean;
  /** TLS to the TURN server (`turns:`). */
  security?: boolean;
}

function port(value: number | undefined, fallback: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < 1 || chosen > 65535) throw invalidParams(`${name} must be a port number (1-65535)`);
  return chosen;
}

export function toIceServers(config: TurnServerConfig | TurnServerConfig[]): RTCIceServer[] {
  return (Array.isArray(config) ? config : [config]).map((server) => {
    if (!server || typeof server.turnServerURL !== 'string' || server.turnServerURL.trim() === '') throw invalidParams('turnServerURL must be a host name or address');
    if (typeof server.username !== 'string' || typeof server.password !== 'string') throw invalidParams('username and password must be strings');
    const host = server.turnServerURL.trim().replace(/^turns?:/, '');
    const udp = port(server.udpport, 3478, 'udpport');
    const tcp = port(server.tcpport, udp, 'tcpport');
    const urls = server.security
      ? [`turns:${host}:${tcp}?transport=tcp`]
      : [`turn:${host}:${udp}?transport=udp`, `turn:${host}:${tcp}?transport=tcp`];
    return { urls, username: server.username, credential: server.password };
  });
}
