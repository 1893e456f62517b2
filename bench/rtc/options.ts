/** Command-line values shared by the rtc benchmarks. */

/** `raw` as a positive integer, or an error naming the option `--name`. */
export function positiveInt(raw: string, name: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}
