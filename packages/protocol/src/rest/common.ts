/**
 * Building blocks shared by every REST operation: identifiers, the channel-name rule,
 * success and error envelopes.
 */
import Type, { type TSchema } from 'typebox';

import { CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE, HEX32_PATTERN, MAX_UINT32, STRING_UID_MAX_LENGTH, STRING_UID_PATTERN } from '../constants.ts';

export { CHANNEL_NAME_CHARACTERS, CHANNEL_NAME_PATTERN, CHANNEL_NAME_RULE, HEX32_PATTERN } from '../constants.ts';

export const ChannelName = Type.String({
  minLength: 1,
  maxLength: 63,
  pattern: CHANNEL_NAME_PATTERN,
  description: `Channel name. ${CHANNEL_NAME_RULE}.`,
  examples: ['my-video-channel'],
});

export const ProjectId = Type.String({
  pattern: HEX32_PATTERN,
  description: 'The project\'s App ID (32 lowercase hex characters).',
  examples: ['0123456789abcdef0123456789abcdef'],
});

/**
 * A user: a numeric uid (1 to 2^32-1, as Agora's SDKs use) or a string user account (1-255 bytes).
 * The seed sends uids as strings ("12345", "user_12345"), so both forms are accepted.
 */
export const Uid = Type.Union(
  [
    Type.Integer({ minimum: 0, maximum: MAX_UINT32 }),
    Type.String({ minLength: 1, maxLength: STRING_UID_MAX_LENGTH, pattern: STRING_UID_PATTERN }),
  ],
  { description: 'Numeric uid (0 to 2^32-1) or user account string (1-255 characters).', examples: ['user_12345'] },
);

export const IsoTime = Type.String({ format: 'date-time', examples: ['2026-01-15T09:30:00.000Z'] });

export const ErrorEnvelope = Type.Object(
  {
    code: Type.Integer({ description: 'The HTTP status code.' }),
    message: Type.String(),
    details: Type.Optional(
      Type.Object({
        field: Type.Optional(Type.String({ description: 'The request field at fault, as a dotted path.' })),
        reason: Type.String({ description: 'Why the request failed, in words.' }),
      }),
    ),
  },
  { title: 'Error' },
);

/** `{code: 200, message: "success", data}` around an operation's result. */
export function Success<T extends TSchema>(data: T) {
  return Type.Object({
    code: Type.Literal(200),
    message: Type.Literal('success'),
    data,
  });
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Items per page (1-500).' })),
  cursor: Type.Optional(
    Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]*$', description: 'Opaque cursor from a previous page\'s `nextCursor`.' }),
  ),
};
