/**
 * Usage rules: participant-minutes and peak concurrency per period, per channel and in total,
 * computed on request from the sessions table. No counters are kept, so usage survives restarts
 * and always agrees with the session list.
 */
import { USAGE_MAX_RANGE_DAYS, type Usage, type UsageQuery } from '@parley/protocol';
import { DomainError } from '../domainError.ts';
import * as sessionStore from '../sessions/store.ts';
import { checkRangeOrder, parseIsoTime } from '../sessions/time.ts';
import type { Db } from '../store/database.ts';
import { periodsOf, tallyUsage, toMinutes, type SessionSpan } from './tally.ts';

const DAY_MS = 86_400_000;

export class UsageService {
  #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** `now` is where open sessions end (a parameter so tests can fix it). */
  async getUsage(appId: string, query: UsageQuery, now: number = Date.now()): Promise<Usage> {
    const from = parseIsoTime(query.from, 'from');
    const to = parseIsoTime(query.to, 'to');
    checkRangeOrder(from, to);
    const granularity = query.granularity ?? 'day';
    const maxDays = USAGE_MAX_RANGE_DAYS[granularity];
    if (to - from > maxDays * DAY_MS) {
      throw new DomainError('invalid_parameter', `to must be at most ${maxDays} days after from with granularity ${granularity}`, 'to');
    }

    const rows = await sessionStore.sessionIntervals(this.#db, appId, { from, to }, query.channel);
    const spans: SessionSpan[] = rows.map((row) => ({
      channel: row.channel,
      start: row.joined_at,
      // An open session counts until now; a clock stepping back must not make it negative.
      end: Math.max(row.joined_at, row.left_at ?? now),
    }));
    const periods = periodsOf(from, to, granularity);
    const tally = tallyUsage(spans, periods);

    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity,
      totals: { participantMinutes: toMinutes(tally.total.ms), peakConcurrentUsers: tally.total.peak, sessions: rows.length },
      buckets: periods.map((period, i) => ({
        start: new Date(period.start).toISOString(),
        end: new Date(period.end).toISOString(),
        participantMinutes: toMinutes(tally.buckets[i]!.ms),
        peakConcurrentUsers: tally.buckets[i]!.peak,
      })),
      channels: [...tally.channels]
        .sort(([a, x], [b, y]) => y.ms - x.ms || (a < b ? -1 : a > b ? 1 : 0))
        .map(([channel, t]) => ({ channel, participantMinutes: toMinutes(t.ms), peakConcurrentUsers: t.peak })),
    };
  }
}
