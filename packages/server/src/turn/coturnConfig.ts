/**
 * A coturn `turnserver.conf` that matches Parley's TURN settings: the same shared secret (the
 * TURN REST API scheme), listeners for exactly the transports and ports the URLs name, and peer
 * restrictions so the relay cannot be used to reach private networks — except the SFU itself,
 * which often sits on the same host or LAN as coturn.
 */
import { isIP } from 'node:net';
import { parseTurnUrl, type TurnUrl } from './turnUrl.ts';

export interface CoturnSettings {
  urls: string[];
  secret: string;
  /** Addresses the SFU announces: the only private addresses relays may reach. */
  sfuAddresses: string[];
  /** coturn's realm; default the host of the first URL. */
  realm?: string;
  /** Addresses coturn binds (default: every interface). */
  listeningIps?: string[];
  /** Certificate and key for `turns:`; default paths the operator fills in. */
  cert?: string;
  pkey?: string;
}

/** Raised when the URLs ask for more than one coturn can serve (three different plain ports…). */
export class CoturnConfigError extends Error {}

/**
 * Ranges a public relay must not reach (RFC 6890 special-purpose IPv4 and IPv6 blocks): without
 * these, anyone with a credential could use the relay to probe the operator's internal network.
 */
const DENIED_PEER_RANGES = [
  '0.0.0.0-0.255.255.255',
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255',
  '127.0.0.0-127.255.255.255',
  '169.254.0.0-169.254.255.255',
  '172.16.0.0-172.31.255.255',
  '192.0.0.0-192.0.0.255',
  '192.0.2.0-192.0.2.255',
  '192.88.99.0-192.88.99.255',
  '192.168.0.0-192.168.255.255',
  '198.18.0.0-198.19.255.255',
  '198.51.100.0-198.51.100.255',
  '203.0.113.0-203.0.113.255',
  '224.0.0.0-255.255.255.255',
  '::1',
  '64:ff9b::-64:ff9b::ffff:ffff',
  '::ffff:0.0.0.0-::ffff:255.255.255.255',
  '100::-100::ffff:ffff:ffff:ffff',
  '2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff',
  '2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
];

/** coturn serves one main port and one alternative port per kind of listener. */
function twoPorts(urls: TurnUrl[], what: string): number[] {
  const ports = [...new Set(urls.map((url) => url.port))];
  if (ports.length > 2) throw new CoturnConfigError(`coturn listens on at most two ${what} ports; the URLs name ${ports.join(', ')}`);
  return ports;
}

/** turns: needs a certificate browsers trust for the URL's host name. */
function tlsLines(settings: CoturnSettings): string[] {
  return [
    "# turns: needs a certificate browsers trust for the URL's host name (Let's Encrypt works; coturn reads it at start).",
    `cert=${settings.cert ?? '/etc/coturn/certs/fullchain.pem'}`,
    `pkey=${settings.pkey ?? '/etc/coturn/certs/privkey.pem'}`,
    'no-tlsv1',
    'no-tlsv1_1',
    '',
  ];
}

export function coturnConfig(settings: CoturnSettings): string {
  const urls = settings.urls.map((raw) => {
    const parsed = parseTurnUrl(raw);
    if ('error' in parsed) throw new CoturnConfigError(parsed.error);
    return parsed;
  });
  const plain = urls.filter((url) => !url.secure);
  const secure = urls.filter((url) => url.secure);
  const plainPorts = twoPorts(plain, 'turn:');
  const securePorts = twoPorts(secure, 'turns:');
  const realm = settings.realm ?? urls[0]!.host.replace(/^\[|\]$/g, '');
  const lines = [
    '# coturn configuration written by `parley turn config` for Parley.',
    '# Parley mints credentials with the same secret (PARLEY_TURN_SECRET): keep this file private (chmod 600).',
    `# URLs: ${settings.urls.join(', ')}`,
    '',
    '# Credentials: the TURN REST API scheme (username "<expiry>:<session>", password HMAC-SHA1 of it).',
    'use-auth-secret',
    `static-auth-secret=${settings.secret}`,
    `realm=${realm}`,
    'fingerprint',
    '',
    '# Listeners: only what the URLs use.',
    ...(plainPorts[0] !== undefined ? [`listening-port=${plainPorts[0]}`] : []),
    ...(plainPorts[1] !== undefined ? [`alt-listening-port=${plainPorts[1]}`] : []),
    ...(securePorts[0] !== undefined ? [`tls-listening-port=${securePorts[0]}`] : []),
    ...(securePorts[1] !== undefined ? [`alt-tls-listening-port=${securePorts[1]}`] : []),
    ...(settings.listeningIps ?? []).map((ip) => `listening-ip=${ip}`),
    ...(plain.some((url) => url.transport === 'udp') ? [] : ['no-udp']),
    ...(plain.some((url) => url.transport === 'tcp') ? [] : ['no-tcp']),
    ...(secure.length > 0 ? [] : ['no-tls']),
    // Browsers never speak TURN over DTLS.
    'no-dtls',
    '# Relayed media uses UDP ports from this range: open them in the firewall.',
    'min-port=49152',
    'max-port=65535',
    '',
    ...(secure.length > 0 ? tlsLines(settings) : []),
    '# Peers: relays may reach the public internet and the SFU, nothing else private.',
    'no-multicast-peers',
    ...DENIED_PEER_RANGES.map((range) => `denied-peer-ip=${range}`),
    ...settings.sfuAddresses.filter((address) => isIP(address) !== 0).map((address) => `allowed-peer-ip=${address}`),
    // coturn refuses loopback peers unless told, whatever allowed-peer-ip says.
    ...(settings.sfuAddresses.some((address) => address === '::1' || address.startsWith('127.')) ? ['allow-loopback-peers'] : []),
    '',
    '# No telnet admin console; one log line per session.',
    'no-cli',
    'simple-log',
    '',
  ];
  return lines.join('\n');
}
