/**
 * Usage: participant-minutes and peak concurrent users over a time range, per UTC hour or day,
 * computed from the recorded sessions.
 */
import Type, { type Static } from 'typebox';
import { ChannelName, IsoTime } from './common.ts';

const GRANULARITY_DESCRIPTION = 'Bucket size: `hour` (range up to 31 days) or `day` (range up to 366 days).';

export const UsageGranularity = Type.Union([Type.Literal('hour'), Type.Literal('day')], { description: GRANULARITY_DESCRIPTION });
export type UsageGranularity = Static<typeof UsageGranularity>;

/** The longest range each granularity accepts, so one request never builds an unbounded answer. */
export const USAGE_MAX_RANGE_DAYS = { hour: 31, day: 366 } as const satisfies Record<UsageGranularity, number>;

export const UsageQuery = Type.Object(
  {
    from: Type.String({ format: 'date-time', description: 'Start of the range, inclusive (ISO-8601).' }),
    to: Type.String({ format: 'date-time', description: 'End of the range, exclusive (ISO-8601); after `from`.' }),
    granularity: Type.Optional(
      Type.Union([Type.Literal('hour'), Type.Literal('day')], { default: 'day', description: `${GRANULARITY_DESCRIPTION} Default \`day\`.` }),
    ),
    channel: Type.Optional(ChannelName),
  },
  { additionalProperties: false },
);
export type UsageQuery = Static<typeof UsageQuery>;

const ParticipantMinutes = Type.Number({
  minimum: 0,
  description: 'Sum over sessions of their minutes inside the period (open sessions count until now), to 2 decimals.',
});
const PeakConcurrentUsers = Type.Integer({ minimum: 0, description: 'Most sessions open at the same instant inside the period.' });

export const UsageBucket = Type.Object({
  start: IsoTime,
  end: IsoTime,
  participantMinutes: ParticipantMinutes,
  peakConcurrentUsers: PeakConcurrentUsers,
});

export const ChannelUsage = Type.Object({
  channel: ChannelName,
  participantMinutes: ParticipantMinutes,
  peakConcurrentUsers: PeakConcurrentUsers,
});

export const Usage = Type.Object({
  from: IsoTime,
  to: IsoTime,
  granularity: UsageGranularity,
  totals: Type.Object({
    participantMinutes: ParticipantMinutes,
    peakConcurrentUsers: PeakConcurrentUsers,
    sessions: Type.Integer({ minimum: 0, description: 'Sessions in progress at some time in the range (as `listSessions` counts them).' }),
  }),
  buckets: Type.Array(UsageBucket, {
    description: 'One per UTC hour or day of the range, oldest first; the first and last are cut to `from` and `to`.',
  }),
  channels: Type.Array(ChannelUsage, { description: 'Channels with sessions in the range, most participant-minutes first.' }),
});
export type Usage = Static<typeof Usage>;
