/**
 * A client's address in one spelling, wherever Parley compares or counts addresses (ban rules,
 * session caps, failure budgets): IPv4 clients of a dual-stack listener appear as
 * `::ffff:a.b.c.d`, and IPv6 letters may come in either case.
 */
export function normalizeIp(ip: string): string {
  return ip.toLowerCase().startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip.toLowerCase();
}
