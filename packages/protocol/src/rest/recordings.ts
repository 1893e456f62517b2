/**
 * Cloud recording: the v1 operations (start, get, stop, list) and the pieces Parley's and Agora's
 * recording APIs share (status numbers, subscription lists, the mix layout, file entries).
 */
import Type, { type Static } from 'typebox';
import { ChannelName, IsoTime, PageQuery, ProjectId } from './common.ts';

/** Agora's recording status numbers, which both APIs report. */
export const RecordingStatus = {
  notStarted: 0,
  initialized: 1,
  componentsStarting: 2,
  someComponentsReady: 3,
  allComponentsReady: 4,
  inProgress: 5,
  stopRequested: 6,
  allComponentsStopped: 7,
  exited: 8,
  exitedAbnormally: 20,
} as const;
export type RecordingStatus = (typeof RecordingStatus)[keyof typeof RecordingStatus];

const STATUS_NAMES = new Map<number, string>(Object.entries(RecordingStatus).map(([name, code]) => [code, name]));

/** The name of a status number (`inProgress` for 5). */
export function recordingStatusName(status: number): string {
  return STATUS_NAMES.get(status) ?? 'unknown';
}

/** Statuses from which a recording no longer records: stopping, stopped or exited. */
export function recordingHasEnded(status: number): boolean {
  return status >= RecordingStatus.stopRequested;
}

export const RecordingMode = Type.Union([Type.Literal('individual'), Type.Literal('mix')], {
  description: '`individual`: one file per user and track kind. `mix`: everyone composited into one file.',
});
export type RecordingMode = Static<typeof RecordingMode>;

/** The recorder's own uid: an integer 1 to 2^32-1, as Agora's cloud recording requires. */
export const RecorderUid = Type.String({
  pattern: '^[1-9][0-9]{0,9}$',
  maxLength: 10,
  description: 'The recorder\'s uid in the channel: an integer from 1 to 4294967295, sent as a string, not used by anyone in the channel.',
  examples: ['527841'],
});

/** Uids in subscription lists; `#allstream#` alone means everyone. */
export const UidList = Type.Array(
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[a-zA-Z0-9 !#$%&()+\\-:;<=.>?@\\[\\]^_{}|~,]+$' }),
  { maxItems: 32, description: 'Up to 32 uids; `["#allstream#"]` means everyone.' },
);

export const AvFileType = Type.Array(Type.Union([Type.Literal('hls'), Type.Literal('mp4')]), {
  minItems: 1,
  maxItems: 2,
  uniqueItems: true,
  description: '`["hls"]` (default): M3U8 playlists and MPEG-TS segments. `["hls","mp4"]`: MP4 files as well. `["mp4"]` alone is not accepted.',
});

export const LayoutRegion = Type.Object({
  uid: Type.Optional(Type.String({ maxLength: 255, description: 'The user shown here; regions without a uid are filled in join order.' })),
  x_axis: Type.Number({ minimum: 0, maximum: 1, description: 'Left edge, as a share of the canvas width.' }),
  y_axis: Type.Number({ minimum: 0, maximum: 1, description: 'Top edge, as a share of the canvas height.' }),
  width: Type.Number({ minimum: 0, maximum: 1 }),
  height: Type.Number({ minimum: 0, maximum: 1 }),
  alpha: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Accepted for compatibility; regions are drawn opaque.' })),
  render_mode: Type.Optional(Type.Integer({ enum: [0, 1], description: '0: scale and crop to fill (default). 1: scale to fit, with bars.' })),
});
export type LayoutRegion = Static<typeof LayoutRegion>;

export const MixedVideoLayout = Type.Integer({
  enum: [0, 1, 2, 3],
  description: '0: floating (first user full screen, others in small windows along the bottom). 1: best fit grid. 2: vertical (`maxResolutionUid` large on the left). 3: custom (`layoutConfig`).',
});

export const BackgroundColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'Canvas colour, `#RRGGBB`.' });

/** The composite's video profile and layout (mix mode). */
export const LayoutFields = {
  mixedVideoLayout: Type.Optional(MixedVideoLayout),
  backgroundColor: Type.Optional(BackgroundColor),
  maxResolutionUid: Type.Optional(Type.String({ maxLength: 255, description: 'The large window in layout 2.' })),
  layoutConfig: Type.Optional(Type.Array(LayoutRegion, { maxItems: 17, description: 'Regions of layout 3, up to 17.' })),
};

export const TranscodingConfig = Type.Object(
  {
    width: Type.Optional(Type.Integer({ minimum: 16, maximum: 1920, description: 'Canvas width in pixels (default 360).' })),
    height: Type.Optional(Type.Integer({ minimum: 16, maximum: 1920, description: 'Canvas height in pixels (default 640); width × height at most 1920 × 1080.' })),
    fps: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'Frames per second (default 15).' })),
    bitrate: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Video bitrate in Kbps (default 500).' })),
    ...LayoutFields,
  },
  { additionalProperties: false },
);
export type TranscodingConfig = Static<typeof TranscodingConfig>;

export const RecordingFile = Type.Object({
  fileName: Type.String({ description: 'The object name in storage, `fileNamePrefix` included.' }),
  trackType: Type.Union([Type.Literal('audio'), Type.Literal('video'), Type.Literal('audio_and_video')]),
  uid: Type.String({ description: 'The recorded user; "0" for the composite of everyone.' }),
  mixedAllUser: Type.Boolean(),
  isPlayable: Type.Boolean(),
  sliceStartTime: Type.Integer({ description: 'When the file\'s media starts, unix milliseconds.' }),
});
export type RecordingFile = Static<typeof RecordingFile>;

export const UploadingStatus = Type.Union([Type.Literal('uploaded'), Type.Literal('backuped'), Type.Literal('unknown')], {
  description: '`uploaded`: every file is in storage. `backuped`: some uploads failed; the files wait on the server and are retried. `unknown`: not finished yet.',
});
export type UploadingStatus = Static<typeof UploadingStatus>;

// ---------------------------------------------------------------- v1

export const RecordingStorage = Type.Object(
  {
    fileNamePrefix: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9]+$' }), {
        maxItems: 16,
        description: 'Folders in front of every file name (letters and digits, 128 characters in all once joined with `/`).',
      }),
    ),
    s3: Type.Optional(
      Type.Object(
        {
          endpoint: Type.Optional(Type.String({ format: 'uri', maxLength: 1024, description: 'An S3-compatible endpoint (MinIO, Ceph…); omit for Amazon S3.' })),
          region: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Default `us-east-1`.' })),
          bucket: Type.String({ minLength: 1, maxLength: 255 }),
          accessKey: Type.String({ minLength: 1, maxLength: 1024 }),
          secretKey: Type.String({ minLength: 1, maxLength: 1024 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Where the files go; the server\'s configured storage when omitted.' },
);
export type RecordingStorage = Static<typeof RecordingStorage>;

export const StartRecordingBody = Type.Object(
  {
    uid: Type.Optional(RecorderUid),
    mode: Type.Optional(Type.Union([Type.Literal('individual'), Type.Literal('mix')], { default: 'mix', description: 'Default `mix`.' })),
    streamTypes: Type.Optional(
      Type.Integer({ enum: [0, 1, 2], description: '0: audio only, 1: video only, 2: both. Default: the channel\'s `recordingConfig`, else 2.' }),
    ),
    subscribeAudioUids: Type.Optional(UidList),
    unsubscribeAudioUids: Type.Optional(UidList),
    subscribeVideoUids: Type.Optional(UidList),
    unsubscribeVideoUids: Type.Optional(UidList),
    avFileType: Type.Optional(AvFileType),
    maxIdleTime: Type.Optional(
      Type.Integer({ minimum: 5, maximum: 2592000, description: 'Seconds with nobody publishing after which the recorder leaves (default 30).' }),
    ),
    audioProfile: Type.Optional(Type.Integer({ enum: [0, 1, 2], description: 'Mix audio: 0 mono 48 Kbps (default), 1 mono 128 Kbps, 2 stereo 192 Kbps.' })),
    transcodingConfig: Type.Optional(TranscodingConfig),
    storage: Type.Optional(RecordingStorage),
  },
  {
    additionalProperties: false,
    examples: [{ mode: 'mix', avFileType: ['hls', 'mp4'], maxIdleTime: 30, transcodingConfig: { width: 640, height: 360, mixedVideoLayout: 1 } }],
  },
);
export type StartRecordingBody = Static<typeof StartRecordingBody>;

export const StartedRecording = Type.Object({
  resourceId: Type.String(),
  sid: Type.String({ description: 'The recording id.' }),
});

export const RecordingSid = Type.String({ pattern: '^[0-9a-f]{32}$', description: 'The recording id (32 hex characters).' });

export const RecordingParams = Type.Object({ projectId: ProjectId, channel: ChannelName, sid: RecordingSid });

export const RecordingFileV1 = Type.Object({
  ...RecordingFile.properties,
  downloadUrl: Type.String({ description: 'Path of this server that serves the file (Basic auth).' }),
});

export const Recording = Type.Object(
  {
    sid: Type.String(),
    resourceId: Type.String(),
    channel: ChannelName,
    uid: Type.String({ description: 'The recorder\'s uid in the channel.' }),
    mode: RecordingMode,
    status: Type.Integer({ description: 'Agora\'s status number: 0-8, or 20 when it exited abnormally.' }),
    statusName: Type.String(),
    createdAt: IsoTime,
    stoppedAt: Type.Union([IsoTime, Type.Null()]),
    sliceStartTime: Type.Union([Type.Integer(), Type.Null()], { description: 'When the first media was recorded, unix milliseconds.' }),
    fileList: Type.Array(RecordingFileV1),
    uploadingStatus: Type.Union([UploadingStatus, Type.Null()], { description: 'null until the recording stops.' }),
    error: Type.Union([Type.String(), Type.Null()], { description: 'What went wrong, when something did.' }),
  },
  { title: 'Recording' },
);
export type Recording = Static<typeof Recording>;

export const StopRecordingBody = Type.Object(
  {
    async: Type.Optional(Type.Boolean({ description: 'Answer at once instead of waiting (up to 20 s) for the files to be ready.' })),
  },
  { additionalProperties: false },
);
export type StopRecordingBody = Static<typeof StopRecordingBody>;

export const StoppedRecording = Type.Object({
  resourceId: Type.String(),
  sid: Type.String(),
  serverResponse: Type.Object({
    status: Type.Integer(),
    fileList: Type.Array(RecordingFileV1),
    uploadingStatus: UploadingStatus,
  }),
});
export type StoppedRecording = Static<typeof StoppedRecording>;

export const ListRecordingsQuery = Type.Object(PageQuery, { additionalProperties: false });
export const ListProjectRecordingsQuery = Type.Object(
  { channel: Type.Optional(ChannelName), ...PageQuery },
  { additionalProperties: false },
);

export const RecordingPage = Type.Object({
  recordings: Type.Array(Recording),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page.' }),
});
export type RecordingPage = Static<typeof RecordingPage>;
