/**
 * Agora's Cloud Recording REST API on Parley, under `/v1/apps/{appid}/cloud_recording`: acquire,
 * start, query, update, updateLayout and stop, over the same RecordingService as Parley's v1
 * recording API. Only the edge differs: Agora's bodies and envelopes (`{cname, uid, resourceId,
 * sid, serverResponse}`), service errors as `{code, reason}` with Agora's HTTP statuses and codes
 * (2, 7, 49, 53, 404, 435…), and gateway errors (credentials, rates, unknown routes) as `{message}`
 * in the words of Agora's Kong gateway (gateway.ts, shared with the Channel Management routes).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  agoraCloudRecordingRoutes,
  type CloudRecordingAcquireBody,
  type CloudRecordingError,
  type CloudRecordingStartBody,
  type CloudRecordingStopBody,
  type CloudRecordingUpdateBody,
  type CloudRecordingUpdateLayoutBody,
  type RecordingFileInfo,
} from '@parley/protocol';
import { toApiError } from '../../http/errors.ts';
import { noteFailure } from '../../http/requestLog.ts';
import type { ProjectAccess } from '../../http/guard/caller.ts';
import { installGuard, type GuardDeps } from '../../http/guard/guard.ts';
import { DomainError, type DomainErrorKind } from '../../domainError.ts';
import type { RecordingState } from '../../recording/service.ts';
import { storageFromAgora } from '../../recording/storage.ts';
import type { Services } from '../../services.ts';
import { agoraPolicy, AgoraError, registerAgoraRoutes, type AgoraHandler } from './gateway.ts';

/** A service-level failure: Agora's `{code, reason}` with the HTTP status Agora uses for it. */
class CloudRecordingFailure extends Error {
  readonly status: number;
  readonly body: CloudRecordingError;

  constructor(status: number, code: number, reason: string) {
    super(reason);
    this.status = status;
    this.body = { code, reason };
  }
}

const invalidParameter = (reason: string) => new CloudRecordingFailure(400, 2, reason);
const noWorker = () => new CloudRecordingFailure(404, 404, 'failed to find worker');

/**
 * Domain error kinds as Agora's Cloud Recording answers them (status codes page and older docs);
 * kinds that recording requests never meet answer as Agora's nearest.
 */
const AGORA_ERRORS: Record<DomainErrorKind, (error: DomainError) => CloudRecordingFailure> = {
  invalid_parameter: (error) => invalidParameter(error.message),
  unsupported: (error) => invalidParameter(error.message),
  channel_encrypted: (error) => invalidParameter(error.message),
  invalid_channel_name: () => new CloudRecordingFailure(400, 401, 'invalid_channel_name'),
  resource_not_found: () => new CloudRecordingFailure(400, 1001, 'invalid resourceid'),
  resource_expired: () => new CloudRecordingFailure(400, 433, 'resource expired'),
  resource_mismatch: (error) => new CloudRecordingFailure(400, 432, `parameter mismatch: ${error.message}`),
  already_started: () => new CloudRecordingFailure(201, 7, 'already started'),
  task_conflict: () => new CloudRecordingFailure(400, 53, 'task conflict'),
  uid_in_use: (error) => invalidParameter(error.message),
  not_found: noWorker,
  not_running: noWorker,
  already_stopped: () => new CloudRecordingFailure(400, 49, 'invalid operation'),
  storage: (error) => invalidParameter(`storageConfig: ${error.message}`),
  tools_missing: (error) => new CloudRecordingFailure(500, 502, `Failed to allocate worker: ${error.message}`),
  forbidden: (error) => invalidParameter(error.message),
  rate_limited: () => new CloudRecordingFailure(429, 429, 'too many requests'),
  unavailable: () => new CloudRecordingFailure(503, 500, 'internal_error'),
  invalid_token: (error) => invalidParameter(error.message),
  token_expired: (error) => invalidParameter(error.message),
  banned: (error) => invalidParameter(error.message),
  not_joined: noWorker,
  already_joined: (error) => invalidParameter(error.message),
  unknown_user: noWorker,
  session_not_found: noWorker,
  invalid_offer: (error) => invalidParameter(error.message),
  media_ports_exhausted: (error) => new CloudRecordingFailure(500, 502, `Failed to allocate worker: ${error.message}`),
  too_many_sessions: () => new CloudRecordingFailure(429, 429, 'too many requests'),
  unauthorized: (error) => invalidParameter(error.message),
  conflict: (error) => invalidParameter(error.message),
};

function installErrorHandler(scope: FastifyInstance): void {
  scope.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    noteFailure(reply, error.message);
    if (error instanceof AgoraError) return reply.code(error.status).headers(error.headers).send({ message: error.message });
    const failure = error instanceof DomainError ? AGORA_ERRORS[error.kind](error) : error instanceof CloudRecordingFailure ? error : undefined;
    if (failure) return reply.code(failure.status).send(failure.body);
    const apiError = toApiError(error);
    if (apiError.status === 413) return reply.code(413).send({ message: 'Request size limit exceeded' });
    if (apiError.status >= 500) {
      if (apiError.key === 'internal') request.log.error({ err: error }, 'request failed');
      return reply.code(apiError.status).send({ code: 500, reason: 'internal_error' });
    }
    // Malformed JSON, a wrong Content-Type, a field that fails its schema: Agora's "invalid parameter".
    return reply.code(apiError.status).send({ code: 2, reason: apiError.details?.reason ?? apiError.message });
  });
}

/** `"string"` (the playlist's name) for mix recordings of HLS only, as Agora; `"json"` otherwise. */
function fileListOf(state: RecordingState): { fileListMode: 'string' | 'json'; fileList: string | RecordingFileInfo[] } {
  if (state.mode === 'mix' && !state.avFileType.includes('mp4')) {
    return { fileListMode: 'string', fileList: state.fileList.find((file) => file.fileName.endsWith('.m3u8'))?.fileName ?? '' };
  }
  return { fileListMode: 'json', fileList: state.fileList };
}

/** The recording a path names, checked against everything Agora's path and body carry. */
async function recordingFor(services: Services, request: FastifyRequest, access: ProjectAccess, body?: { cname: string; uid: string }): Promise<RecordingState> {
  const params = request.params as { resourceid: string; sid: string; mode: string };
  const { appId } = access.project;
  if (!/^[0-9a-f]{32}$/.test(params.sid)) throw noWorker();
  const state = await services.recordings.get(appId, params.sid);
  // Agora's tasks are unreachable once resourceExpiredHour has passed since start.
  if (state.resourceId !== params.resourceid || state.expiresAt < Date.now()) throw noWorker();
  if (params.mode !== state.mode) throw invalidParameter(`mode ${params.mode} does not match the recording's (${state.mode})`);
  if (body && (body.cname !== state.channel || body.uid !== state.uid)) throw invalidParameter('cname and uid must be those the recording was started with');
  return state;
}

function session(state: RecordingState) {
  return { cname: state.channel, uid: state.uid, resourceId: state.resourceId, sid: state.sid };
}

type Handlers = { [K in keyof typeof agoraCloudRecordingRoutes]: AgoraHandler };

function handlers(services: Services): Handlers {
  const recordings = services.recordings;
  return {
    agoraAcquire: async (request, { project }) => {
      const body = request.body as CloudRecordingAcquireBody;
      const { scene, resourceExpiredHour, startParameter } = body.clientRequest;
      if (scene !== undefined && scene !== 0) throw invalidParameter(`scene ${scene} is not supported: Parley records channels in real time (scene 0)`);
      const { resourceId } = await recordings.acquire(project.appId, { cname: body.cname, uid: body.uid, resourceExpiredHour, startParameter });
      return { cname: body.cname, uid: body.uid, resourceId };
    },
    agoraStart: async (request, { project }) => {
      const { resourceid, mode } = request.params as { resourceid: string; mode: string };
      const body = request.body as CloudRecordingStartBody;
      const { recordingConfig, recordingFileConfig, storageConfig, snapshotConfig, extensionServiceConfig } = body.clientRequest;
      if (snapshotConfig) throw invalidParameter('snapshotConfig is not supported: Parley records audio and video only');
      if (extensionServiceConfig) throw invalidParameter('extensionServiceConfig is not supported: web page recording is not offered');
      if (recordingConfig?.decryptionMode) throw invalidParameter('decryptionMode is not supported: Parley encrypts media end to end, so the server has no key to decrypt with');
      const { transcodingConfig, ...config } = recordingConfig ?? { channelType: 0 };
      const started = await recordings.start(project.appId, resourceid, {
        cname: body.cname,
        uid: body.uid,
        mode,
        settings: { ...config, ...(transcodingConfig ? { transcodingConfig } : {}), avFileType: recordingFileConfig?.avFileType },
        storage: storageFromAgora(storageConfig),
        clientRequest: body.clientRequest,
      });
      return { cname: body.cname, uid: body.uid, ...started };
    },
    agoraQuery: async (request, access) => {
      const state = await recordingFor(services, request, access);
      return { ...session(state), serverResponse: { status: state.status, ...fileListOf(state), sliceStartTime: state.sliceStartTime ?? 0 } };
    },
    agoraUpdate: async (request, access) => {
      const body = request.body as CloudRecordingUpdateBody;
      const state = await recordingFor(services, request, access, body);
      const { streamSubscribe, storageConfig, webRecordingConfig, rtmpPublishConfig } = body.clientRequest;
      if (webRecordingConfig || rtmpPublishConfig) throw invalidParameter('webRecordingConfig and rtmpPublishConfig are for web page recording, which is not offered');
      const { appId } = access.project;
      if (streamSubscribe) await recordings.updateSubscriptions(appId, state.sid, { ...streamSubscribe.audioUidList, ...streamSubscribe.videoUidList });
      if (storageConfig) await recordings.updateStorage(appId, state.sid, storageFromAgora(storageConfig));
      if (!streamSubscribe && !storageConfig) await recordings.updateSubscriptions(appId, state.sid, {});
      return session(state);
    },
    agoraUpdateLayout: async (request, access) => {
      const body = request.body as CloudRecordingUpdateLayoutBody;
      if ((request.params as { mode: string }).mode !== 'mix') throw invalidParameter('updateLayout is for mode mix');
      const state = await recordingFor(services, request, access, body);
      const { mixedVideoLayout, backgroundColor, maxResolutionUid, layoutConfig } = body.clientRequest;
      await recordings.updateLayout(access.project.appId, state.sid, {
        ...(mixedVideoLayout !== undefined ? { mixedVideoLayout: mixedVideoLayout as 0 | 1 | 2 | 3 } : {}),
        ...(backgroundColor !== undefined ? { backgroundColor } : {}),
        ...(maxResolutionUid !== undefined ? { maxResolutionUid } : {}),
        ...(layoutConfig !== undefined ? { layoutConfig } : {}),
      });
      return session(state);
    },
    agoraStop: async (request, access) => {
      const body = request.body as CloudRecordingStopBody;
      const state = await recordingFor(services, request, access, body);
      const stopped = await recordings.stop(access.project.appId, state.sid, { wait: body.clientRequest?.async_stop !== true });
      // The recording has stopped either way; Agora answers 206 with code 435 when nobody published.
      if (!stopped.recordedMedia) throw new CloudRecordingFailure(206, 435, 'no recorded data');
      return { ...session(stopped), serverResponse: { ...fileListOf(stopped), uploadingStatus: stopped.uploadingStatus ?? 'unknown' } };
    },
  };
}

export async function registerAgoraCloudRecording(app: FastifyInstance, services: Services, deps: GuardDeps): Promise<void> {
  await app.register(async (scope) => {
    installErrorHandler(scope);
    // Credentials and rate first (gateway errors), then the path's App ID, which must be one of the caller's.
    installGuard(scope, agoraPolicy(services, 'request', () => new CloudRecordingFailure(400, 400, 'invalid_appid')), deps);
    registerAgoraRoutes(scope, agoraCloudRecordingRoutes, handlers(services), 'Agora Cloud Recording');
  });
}
