/**
 * Sessions: one row per participant per call (join to leave), as the server recorded them.
 * Read with `listSessions`, newest first.
 */
import Type, { type Static } from 'typebox';
import { LeaveReason } from '../rtc/signaling.ts';
import { ChannelName, IsoTime, PageQuery } from './common.ts';

/** The uid filter is text, as in the kick path: "12345" matches the numeric uid 12345 and the account "12345". */
export const UidFilter = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]+$',
  description: 'A numeric uid or a user account; digits match both forms.',
});

export const ListSessionsQuery = Type.Object(
  {
    channel: Type.Optional(ChannelName),
    uid: Type.Optional(UidFilter),
    from: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only sessions still in progress at or after this time (ISO-8601).' }),
    ),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Only sessions that joined before this time (ISO-8601).' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type ListSessionsQuery = Static<typeof ListSessionsQuery>;

export const SessionRole = Type.Union([Type.Literal('host'), Type.Literal('audience'), Type.Literal('recorder')]);

const leaveReasonNames = Object.keys(LeaveReason).map((name) => `\`${name}\``).join(', ');

export const Session = Type.Object({
  sessionId: Type.String(),
  channel: ChannelName,
  uid: Type.Union([Type.Integer(), Type.String()]),
  role: SessionRole,
  platform: Type.String(),
  joinedAt: IsoTime,
  leftAt: Type.Union([IsoTime, Type.Null()], { description: 'null while the session is open.' }),
  durationSeconds: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
    description: 'Seconds from join to leave, to the millisecond; null while the session is open.',
  }),
  leaveReason: Type.Union([Type.Integer(), Type.Null()], { description: 'Agora\'s leave reason code; null while the session is open.' }),
  leaveReasonName: Type.Union([Type.String(), Type.Null()], { description: `The code's name: ${leaveReasonNames}.` }),
});
export type Session = Static<typeof Session>;

export const SessionPage = Type.Object({
  sessions: Type.Array(Session),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
});
export type SessionPage = Static<typeof SessionPage>;

const NAMES_BY_CODE = new Map<number, string>(Object.entries(LeaveReason).map(([name, code]) => [code, name]));

/** The name of a leave reason code (`serverInternal` for 4); `unknown` for a code this version does not know. */
export function leaveReasonName(code: number): string {
  return NAMES_BY_CODE.get(code) ?? 'unknown';
}

/** Why a session ended, in words for people (logs, the console's session list). */
export const LEAVE_REASON_WORDS: Record<LeaveReason, string> = {
  [LeaveReason.other]: 'for another reason',
  [LeaveReason.normal]: 'left',
  [LeaveReason.connectionTimeout]: 'connection timed out',
  [LeaveReason.permission]: 'removed (kicked or banned)',
  [LeaveReason.serverInternal]: 'server stopped',
  [LeaveReason.replaced]: 'joined again elsewhere',
  [LeaveReason.networkError]: 'network error',
  [LeaveReason.tokenExpired]: 'token expired',
  [LeaveReason.unknownNetwork]: 'network lost',
};
