/**
 * The server-side token endpoint the seed's security note asks for: the backend keeps the App
 * Certificate, clients get short-lived AccessToken2 tokens.
 */
import Type, { type Static } from 'typebox';
import { ChannelName, IsoTime, Uid } from './common.ts';

export const TokenRole = Type.Union([Type.Literal('publisher'), Type.Literal('subscriber')], {
  description: '`publisher` may join and publish audio, video and data; `subscriber` may only join.',
});

export const CreateTokenBody = Type.Object(
  {
    channel: ChannelName,
    uid: Uid,
    role: TokenRole,
    expireSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 86400, default: 3600, description: 'Lifetime in seconds (1-86400).' }),
    ),
  },
  { additionalProperties: false, examples: [{ channel: 'my-video-channel', uid: 12345, role: 'publisher', expireSeconds: 3600 }] },
);
export type CreateTokenBody = Static<typeof CreateTokenBody>;

export const CreatedToken = Type.Object({
  token: Type.String({ description: 'AccessToken2 ("007…"), accepted wherever Agora tokens are.' }),
  expiresAt: IsoTime,
  channel: ChannelName,
  uid: Type.Union([Type.Integer(), Type.String()]),
  role: TokenRole,
});
export type CreatedToken = Static<typeof CreatedToken>;
