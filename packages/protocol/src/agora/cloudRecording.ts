/**
 * Agora's Cloud Recording REST API as Parley serves it under `/v1/apps/{appid}/cloud_recording`:
 * request bodies, the `{cname, uid, resourceId, sid, serverResponse}` envelopes and the
 * `{code, reason}` errors, following Agora's OpenAPI description (cloud-recording.en.yaml).
 *
 * Bodies accept fields this file does not name, as Agora's service does, so existing client code
 * that sends more than Parley uses keeps working; the fields named here are checked.
 */
import Type, { type Static } from 'typebox';
import { AvFileType, LayoutFields, RecordingFile, TranscodingConfig, UidList, UploadingStatus } from '../rest/recordings.ts';

/** Agora sends uids as strings holding an integer 1 to 2^32-1. */
const CloudRecordingUid = Type.String({ pattern: '^[1-9][0-9]{0,9}$', maxLength: 10, description: 'An integer from 1 to 4294967295, as a string.' });
/** Checked against the channel-name rule by the service, which answers Agora's own error for it. */
const Cname = Type.String({ minLength: 1, maxLength: 1024 });

const AppId = Type.String({ maxLength: 64, description: 'The App ID: the Parley project ID.' });
const ResourceId = Type.String({ minLength: 1, maxLength: 2048, description: 'The `resourceId` that acquire answered.' });
const Sid = Type.String({ minLength: 1, maxLength: 128, description: 'The recording\'s `sid`, as start answered it.' });
const Mode = Type.String({ maxLength: 32, description: '`individual` or `mix`.' });

export const CloudRecordingResourcePathParams = Type.Object({
  appid: AppId,
  resourceid: ResourceId,
  mode: Mode,
});
export const CloudRecordingSessionPathParams = Type.Object({
  appid: AppId,
  resourceid: ResourceId,
  sid: Sid,
  mode: Mode,
});
export const CloudRecordingAppParams = Type.Object({ appid: AppId });

export const CloudRecordingAcquireBody = Type.Object({
  cname: Cname,
  uid: CloudRecordingUid,
  clientRequest: Type.Object({
    scene: Type.Optional(Type.Integer({ description: '0: real-time recording (the only scene Parley records).' })),
    resourceExpiredHour: Type.Optional(Type.Number({ minimum: 1, maximum: 720 })),
    startParameter: Type.Optional(Type.Object({})),
    excludeResourceIds: Type.Optional(Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 64 })),
    region: Type.Optional(Type.String({ maxLength: 32 })),
  }),
});
export type CloudRecordingAcquireBody = Static<typeof CloudRecordingAcquireBody>;

export const CloudRecordingStorageConfig = Type.Object({
  vendor: Type.Integer({ description: '11: S3-compatible storage at `extensionParams.endpoint`; 1: Amazon S3.' }),
  region: Type.Integer({ minimum: 0 }),
  bucket: Type.String({ minLength: 1, maxLength: 255 }),
  accessKey: Type.String({ minLength: 1, maxLength: 1024 }),
  secretKey: Type.String({ minLength: 1, maxLength: 1024 }),
  stsToken: Type.Optional(Type.String({ maxLength: 4096 })),
  stsExpiration: Type.Optional(Type.Integer()),
  fileNamePrefix: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9]+$' }), { maxItems: 16 })),
  extensionParams: Type.Optional(
    Type.Object({
      sse: Type.Optional(Type.String({ maxLength: 64 })),
      tag: Type.Optional(Type.String({ maxLength: 1024 })),
      endpoint: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
  ),
});
export type CloudRecordingStorageConfig = Static<typeof CloudRecordingStorageConfig>;

const SubscriptionLists = {
  subscribeAudioUids: Type.Optional(UidList),
  unsubscribeAudioUids: Type.Optional(UidList),
  subscribeVideoUids: Type.Optional(UidList),
  unsubscribeVideoUids: Type.Optional(UidList),
};

export const CloudRecordingConfig = Type.Object({
  channelType: Type.Integer({ enum: [0, 1], description: '0: communication, 1: live broadcasting.' }),
  decryptionMode: Type.Optional(Type.Integer({ minimum: 0, maximum: 8 })),
  secret: Type.Optional(Type.String({ maxLength: 1024 })),
  salt: Type.Optional(Type.String({ maxLength: 1024 })),
  maxIdleTime: Type.Optional(Type.Integer({ minimum: 5, maximum: 2592000 })),
  streamTypes: Type.Optional(Type.Integer({ enum: [0, 1, 2] })),
  videoStreamType: Type.Optional(Type.Integer({ enum: [0, 1] })),
  ...SubscriptionLists,
  subscribeUidGroup: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
  streamMode: Type.Optional(Type.Union([Type.Literal('default'), Type.Literal('standard'), Type.Literal('original')])),
  audioProfile: Type.Optional(Type.Integer({ enum: [0, 1, 2] })),
  transcodingConfig: Type.Optional(Type.Object({ ...TranscodingConfig.properties })),
});
export type CloudRecordingConfig = Static<typeof CloudRecordingConfig>;

export const CloudRecordingStartBody = Type.Object({
  cname: Cname,
  uid: CloudRecordingUid,
  clientRequest: Type.Object({
    token: Type.Optional(Type.String({ maxLength: 4096 })),
    storageConfig: Type.Optional(CloudRecordingStorageConfig),
    recordingConfig: Type.Optional(CloudRecordingConfig),
    recordingFileConfig: Type.Optional(Type.Object({ avFileType: Type.Optional(AvFileType) })),
    snapshotConfig: Type.Optional(Type.Object({})),
    extensionServiceConfig: Type.Optional(Type.Object({})),
  }),
});
export type CloudRecordingStartBody = Static<typeof CloudRecordingStartBody>;

export const CloudRecordingUpdateBody = Type.Object({
  cname: Cname,
  uid: CloudRecordingUid,
  clientRequest: Type.Object({
    streamSubscribe: Type.Optional(
      Type.Object({
        audioUidList: Type.Optional(Type.Object({ subscribeAudioUids: Type.Optional(UidList), unsubscribeAudioUids: Type.Optional(UidList) })),
        videoUidList: Type.Optional(Type.Object({ subscribeVideoUids: Type.Optional(UidList), unsubscribeVideoUids: Type.Optional(UidList) })),
      }),
    ),
    webRecordingConfig: Type.Optional(Type.Object({})),
    rtmpPublishConfig: Type.Optional(Type.Object({})),
    storageConfig: Type.Optional(CloudRecordingStorageConfig),
  }),
});
export type CloudRecordingUpdateBody = Static<typeof CloudRecordingUpdateBody>;

export const CloudRecordingUpdateLayoutBody = Type.Object({
  cname: Cname,
  uid: CloudRecordingUid,
  clientRequest: Type.Object({
    ...LayoutFields,
    backgroundImage: Type.Optional(Type.String({ maxLength: 2048 })),
    defaultUserBackgroundImage: Type.Optional(Type.String({ maxLength: 2048 })),
    backgroundConfig: Type.Optional(Type.Array(Type.Object({ uid: Type.String(), image_url: Type.String(), render_mode: Type.Optional(Type.Integer()) }), { maxItems: 17 })),
  }),
});
export type CloudRecordingUpdateLayoutBody = Static<typeof CloudRecordingUpdateLayoutBody>;

export const CloudRecordingStopBody = Type.Object({
  cname: Cname,
  uid: CloudRecordingUid,
  clientRequest: Type.Optional(Type.Object({ async_stop: Type.Optional(Type.Boolean()) })),
});
export type CloudRecordingStopBody = Static<typeof CloudRecordingStopBody>;

// ---------------------------------------------------------------- responses

export const CloudRecordingAcquireResponse = Type.Object({ cname: Type.String(), uid: Type.String(), resourceId: Type.String() });
export const CloudRecordingSessionResponse = Type.Object({ cname: Type.String(), uid: Type.String(), resourceId: Type.String(), sid: Type.String() });

/** `"string"`: mix mode with `["hls"]`, `fileList` is the playlist's name; `"json"`: a list of files. */
const FileListFields = {
  fileListMode: Type.Union([Type.Literal('string'), Type.Literal('json')]),
  fileList: Type.Union([Type.String(), Type.Array(RecordingFile)]),
};

export const CloudRecordingQueryResponse = Type.Object({
  ...CloudRecordingSessionResponse.properties,
  serverResponse: Type.Object({ status: Type.Integer(), ...FileListFields, sliceStartTime: Type.Integer() }),
});
export type CloudRecordingQueryResponse = Static<typeof CloudRecordingQueryResponse>;

export const CloudRecordingStopResponse = Type.Object({
  ...CloudRecordingSessionResponse.properties,
  serverResponse: Type.Object({ ...FileListFields, uploadingStatus: UploadingStatus }),
});
export type CloudRecordingStopResponse = Static<typeof CloudRecordingStopResponse>;

/** A service error: Agora's numeric code (2, 7, 49, 404, 435…) and its reason. */
export const CloudRecordingError = Type.Object({ code: Type.Integer(), reason: Type.String() });
export type CloudRecordingError = Static<typeof CloudRecordingError>;

/** A gateway error (authentication, rate limit, unknown route), worded as Agora's Kong gateway does. */
export const CloudRecordingGatewayError = Type.Object({ message: Type.String() });
