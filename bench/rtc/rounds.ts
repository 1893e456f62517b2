/** The per-round CPU figures of the diagnostic benches (forwardPath.ts, sendPath.ts), as they print them. */

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Each round's µs `per` what, then their median: "12.10 11.87 … µs a forwarded packet; median 11.90 µs". */
export function roundsLine(values: number[], per: string): string {
  return `${values.map((value) => value.toFixed(2)).join(' ')} µs ${per}; median ${median(values).toFixed(2)} µs`;
}
