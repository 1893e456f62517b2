/**
 * Reads one sample of a server's Prometheus metrics (`GET /metrics`), as tests check counters.
 */

/** The value of the first sample named `name` (with or without labels), or undefined when there is none. */
export async function metricValue(serverUrl: string, name: string): Promise<number | undefined> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${escaped}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
