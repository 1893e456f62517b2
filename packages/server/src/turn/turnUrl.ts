/**
 * TURN server URLs as RFC 7065 writes them (`turn:host[:port][?transport=udp|tcp]`,
 * `turns:host[:port][?transport=tcp]`): checked once when the configuration is read, so a typo
 * shows at start rather than as calls that silently never relay.
 */
export interface TurnUrl {
  /** The URL as configured; handed to clients unchanged. */
  url: string;
  secure: boolean;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
}

/** RFC 7065's default ports: 3478 for turn:, 5349 for turns:. */
export const DEFAULT_TURN_PORT = 3478;
export const DEFAULT_TURNS_PORT = 5349;

const TURN_URL = /^(turns?):(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/;

/** The URL's parts, or why it is not a TURN URL. */
export function parseTurnUrl(raw: string): TurnUrl | { error: string } {
  const match = TURN_URL.exec(raw);
  if (!match) return { error: `"${raw}" is not a TURN URL (turn:host[:port][?transport=udp|tcp] or turns:host[:port])` };
  const [, scheme, host, portText, transportText] = match;
  const secure = scheme === 'turns';
  const port = portText === undefined ? (secure ? DEFAULT_TURNS_PORT : DEFAULT_TURN_PORT) : Number(portText);
  if (port < 1 || port > 65535) return { error: `"${raw}" has no valid port (1-65535)` };
  // Browsers do not speak TURN over DTLS: turns: is TLS over TCP.
  if (secure && transportText === 'udp') return { error: `"${raw}": turns: runs over TCP, not UDP` };
  const transport = secure ? 'tcp' : ((transportText ?? 'udp') as 'udp' | 'tcp');
  return { url: raw, secure, host: host!, port, transport };
}
