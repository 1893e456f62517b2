/**
 * The arithmetic of usage, free of storage: cutting a range into UTC hours or days, and adding up
 * participant time and peak concurrency from session intervals.
 *
 * Intervals are half-open, [join, leave): someone who leaves at 10:30 and someone who joins at
 * 10:30 were never on together.
 */
import type { UsageGranularity } from '@parley/protocol';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface Period {
  start: number;
  end: number;
}

export interface SessionSpan {
  channel: string;
  start: number;
  /** The leave time, or now for an open session. */
  end: number;
}

export interface Tally {
  ms: number;
  peak: number;
}

export interface UsageTally {
  buckets: Tally[];
  channels: Map<string, Tally>;
  total: Tally;
}

/** The UTC hours or days that [from, to) touches, the first and last cut to the range. */
export function periodsOf(from: number, to: number, granularity: UsageGranularity): Period[] {
  // Unix time has no leap seconds, so UTC days are exact multiples of DAY_MS.
  const size = granularity === 'hour' ? HOUR_MS : DAY_MS;
  const periods: Period[] = [];
  for (let start = from; start < to; ) {
    const end = Math.min(to, Math.floor(start / size) * size + size);
    periods.push({ start, end });
    start = end;
  }
  return periods;
}

/** Most intervals open at one instant; at equal instants leaves count before joins (half-open). */
function peakOf(edges: Array<[at: number, change: number]>): number {
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let peak = 0;
  for (const [, change] of edges) {
    open += change;
    if (open > peak) peak = open;
  }
  return peak;
}

/** Adds [start, end) cut to `period` to a running total; returns false when they do not overlap. */
function add(span: SessionSpan, period: Period, ms: { value: number }, edges: Array<[number, number]>): boolean {
  const start = Math.max(span.start, period.start);
  const end = Math.min(span.end, period.end);
  if (start >= end) return false;
  ms.value += end - start;
  // A session already on at the period's start enters the sweep at that start.
  edges.push([start, 1], [end, -1]);
  return true;
}

/** The first period that ends after `at` (periods are sorted and contiguous). */
function firstPeriodAfter(periods: Period[], at: number): number {
  let low = 0;
  let high = periods.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (periods[mid]!.end <= at) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function tallyUsage(spans: SessionSpan[], periods: Period[]): UsageTally {
  const range: Period = { start: periods[0]?.start ?? 0, end: periods.at(-1)?.end ?? 0 };
  const bucketMs = periods.map(() => ({ value: 0 }));
  const bucketEdges = periods.map((): Array<[number, number]> => []);
  const channelMs = new Map<string, { value: number }>();
  const channelEdges = new Map<string, Array<[number, number]>>();

  for (const span of spans) {
    // Every session in the range names its channel, even one too short to add any time.
    if (!channelMs.has(span.channel)) {
      channelMs.set(span.channel, { value: 0 });
      channelEdges.set(span.channel, []);
    }
    add(span, range, channelMs.get(span.channel)!, channelEdges.get(span.channel)!);
    // Only the periods the session overlaps are visited: usually one or two.
    for (let i = firstPeriodAfter(periods, span.start); i < periods.length && periods[i]!.start < span.end; i += 1) {
      add(span, periods[i]!, bucketMs[i]!, bucketEdges[i]!);
    }
  }

  const buckets = periods.map((_, i) => ({ ms: bucketMs[i]!.value, peak: peakOf(bucketEdges[i]!) }));
  const channels = new Map([...channelMs].map(([channel, ms]) => [channel, { ms: ms.value, peak: peakOf(channelEdges.get(channel)!) }]));
  // The periods partition the range, so its peak is the highest period's peak.
  const total = { ms: buckets.reduce((sum, b) => sum + b.ms, 0), peak: buckets.reduce((max, b) => Math.max(max, b.peak), 0) };
  return { buckets, channels, total };
}

/** Milliseconds as minutes to 2 decimals (ms / 600 is hundredths of a minute, exactly). */
export function toMinutes(ms: number): number {
  return Math.round(ms / 600) / 100;
}
