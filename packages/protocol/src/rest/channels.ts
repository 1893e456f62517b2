/**
 * Channel operations: create (as the seed sends it), read, list, delete.
 */
import Type, { type Static } from 'typebox';
import { ChannelName, IsoTime, PageQuery, ProjectId, Uid } from './common.ts';

export const ChannelMode = Type.Union([Type.Literal('rtc'), Type.Literal('live')], {
  description: '`rtc`: everyone may publish (Agora\'s communication profile). `live`: hosts publish, audience watches.',
});

export const RecordingConfig = Type.Object(
  {
    channelType: Type.Integer({ enum: [0, 1], description: '0: communication, 1: live broadcasting (Agora\'s numbering).' }),
    streamTypes: Type.Integer({ enum: [0, 1, 2], description: '0: audio only, 1: video only, 2: audio and video.' }),
  },
  { additionalProperties: false },
);

export const CreateChannelBody = Type.Object(
  {
    channel: ChannelName,
    uid: Type.Optional(Uid),
    mode: Type.Optional(ChannelMode),
    clientRequest: Type.Optional(
      Type.Object(
        {
          resourceExpiredHour: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 720, description: 'Hours the channel\'s recording resources stay valid (1-720).' }),
          ),
          recordingConfig: Type.Optional(RecordingConfig),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      {
        channel: 'my-video-channel',
        uid: 'user_12345',
        clientRequest: { resourceExpiredHour: 24, recordingConfig: { channelType: 0, streamTypes: 2 } },
      },
    ],
  },
);
export type CreateChannelBody = Static<typeof CreateChannelBody>;

export const Participant = Type.Object({
  uid: Type.Union([Type.Integer(), Type.String()]),
  role: Type.Union([Type.Literal('host'), Type.Literal('audience'), Type.Literal('recorder')], {
    description: '`host` publishes, `audience` only watches (live mode), `recorder` is a cloud recorder.',
  }),
  joinedAt: IsoTime,
  publishingAudio: Type.Boolean(),
  publishingVideo: Type.Boolean(),
  platform: Type.String(),
  sessionId: Type.String(),
});
export type Participant = Static<typeof Participant>;

export const Channel = Type.Object(
  {
    channel: ChannelName,
    projectId: ProjectId,
    mode: ChannelMode,
    createdAt: IsoTime,
    createdByUid: Type.Union([Type.Integer(), Type.String(), Type.Null()]),
    persistent: Type.Boolean({ description: 'True when made by the REST API: it lasts until deleted, not only while people are in it.' }),
    settings: Type.Object({
      resourceExpiredHour: Type.Union([Type.Integer(), Type.Null()]),
      recordingConfig: Type.Union([RecordingConfig, Type.Null()]),
    }),
    participantCount: Type.Integer({ minimum: 0 }),
    participants: Type.Array(Participant),
    recording: Type.Object({
      state: Type.Union([Type.Literal('idle'), Type.Literal('recording')]),
      sid: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  { title: 'Channel' },
);
export type Channel = Static<typeof Channel>;

export const ChannelSummary = Type.Object({
  channel: ChannelName,
  mode: ChannelMode,
  createdAt: IsoTime,
  persistent: Type.Boolean(),
  participantCount: Type.Integer({ minimum: 0 }),
});

export const ChannelPage = Type.Object({
  channels: Type.Array(ChannelSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
});
export type ChannelPage = Static<typeof ChannelPage>;

export const ProjectParams = Type.Object({ projectId: ProjectId });
export const ChannelParams = Type.Object({ projectId: ProjectId, channel: ChannelName });
export const ListChannelsQuery = Type.Object(PageQuery, { additionalProperties: false });

export const DeletedChannel = Type.Object({ channel: ChannelName, deleted: Type.Literal(true) });

export const KickParams = Type.Object({ projectId: ProjectId, channel: ChannelName, uid: Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]+$' }) });

export const KickBody = Type.Object(
  {
    banSeconds: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86400, description: 'Also refuse this uid\'s joins to the channel for this long (0: kick only).' }),
    ),
  },
  { additionalProperties: false, examples: [{ banSeconds: 300 }] },
);
export type KickBody = Static<typeof KickBody>;

export const KickResult = Type.Object({
  channel: ChannelName,
  uid: Type.Union([Type.Integer(), Type.String()]),
  /** Whether the user was in the channel and has been disconnected. */
  kicked: Type.Boolean(),
  bannedUntil: Type.Union([IsoTime, Type.Null()]),
});
