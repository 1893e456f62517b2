/**
 * HTTP surface of Parley's v1 recording API: start, get, stop and list (through the operation
 * table, so validation and OpenAPI come from the protocol's schemas), and the download of a
 * recorded file, which answers bytes rather than JSON and so is registered here.
 */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { ProjectId, RecordingSid, recordingStatusName, type Recording, type RecordingFile, type StoppedRecording } from '@parley/protocol';
import { checkAccess, type Access } from '../http/access.ts';
import { ApiError, notFound } from '../http/apiError.ts';
import type { OperationHandlers } from '../http/operations.ts';
import type { Services } from '../services.ts';
import { RecordingError } from './errors.ts';
import type { RecordingService, RecordingState } from './service.ts';
import { storageFromParley } from './storage.ts';

type RecordingHandlers = Pick<OperationHandlers, 'startRecording' | 'getRecording' | 'stopRecording' | 'listRecordings'>;

/** The service's errors in the v1 envelope. */
export function toApiError(error: unknown): unknown {
  if (!(error instanceof RecordingError)) return error;
  const details = { ...(error.field ? { field: error.field } : {}), reason: error.message };
  switch (error.kind) {
    case 'not_found':
    case 'resource_not_found':
      return new ApiError('not_found', details);
    case 'invalid_channel_name':
      return new ApiError('invalid_channel_name', details);
    case 'already_started':
    case 'task_conflict':
    case 'uid_in_use':
      return new ApiError('recording_conflict', details);
    case 'not_running':
    case 'already_stopped':
      return new ApiError('recording_stopped', details);
    case 'tools_missing':
      return new ApiError('unavailable', details);
    default:
      return new ApiError('invalid_parameter', details);
  }
}

async function mapped<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toApiError(error);
  }
}

function fileUrl(appId: string, sid: string, fileName: string): string {
  return `/v1/projects/${appId}/recordings/${sid}/files/${fileName.split('/').map(encodeURIComponent).join('/')}`;
}

function files(state: RecordingState): Array<RecordingFile & { downloadUrl: string }> {
  return state.fileList.map((file) => ({ ...file, downloadUrl: fileUrl(state.appId, state.sid, file.fileName) }));
}

export function recordingView(state: RecordingState): Recording {
  return {
    sid: state.sid,
    resourceId: state.resourceId,
    channel: state.channel,
    uid: state.uid,
    mode: state.mode,
    status: state.status,
    statusName: recordingStatusName(state.status),
    createdAt: new Date(state.createdAt).toISOString(),
    stoppedAt: state.stoppedAt === null ? null : new Date(state.stoppedAt).toISOString(),
    sliceStartTime: state.sliceStartTime,
    fileList: files(state),
    uploadingStatus: state.uploadingStatus,
    error: state.error,
  };
}

/** A recording of this project, looked up under the channel of the path. */
async function inChannel(recordings: RecordingService, access: Access, channel: string, sid: string): Promise<RecordingState> {
  const state = await recordings.get(access.project.appId, sid);
  if (state.channel !== channel) throw new RecordingError('not_found', `No recording ${sid} in channel "${channel}"`, 'sid');
  return state;
}

export function recordingHandlers(recordings: RecordingService): RecordingHandlers {
  return {
    startRecording: ({ access, params, body }) =>
      mapped(async () => {
        const { uid, mode, storage, transcodingConfig, ...settings } = body;
        return recordings.startInChannel(access.project.appId, {
          cname: params.channel,
          uid,
          mode: mode ?? 'mix',
          settings: { ...settings, ...(transcodingConfig ? { transcodingConfig } : {}) },
          storage: storageFromParley(storage),
        });
      }),
    getRecording: ({ access, params }) => mapped(async () => recordingView(await inChannel(recordings, access, params.channel, params.sid))),
    stopRecording: ({ access, params, body }) =>
      mapped(async (): Promise<StoppedRecording> => {
        await inChannel(recordings, access, params.channel, params.sid);
        const state = await recordings.stop(access.project.appId, params.sid, { wait: body.async !== true });
        return { resourceId: state.resourceId, sid: state.sid, serverResponse: { status: state.status, fileList: files(state), uploadingStatus: state.uploadingStatus ?? 'unknown' } };
      }),
    listRecordings: ({ access, params, query }) =>
      mapped(async () => {
        const page = await recordings.list(access.project.appId, params.channel, query);
        return { recordings: page.recordings.map(recordingView), nextCursor: page.nextCursor };
      }),
  };
}

const FileParams = Type.Object({ projectId: ProjectId, sid: RecordingSid, '*': Type.String({ minLength: 1, maxLength: 1024 }) });

/** `GET /v1/projects/:projectId/recordings/:sid/files/<fileName>`: a recorded file, Basic auth. */
export function registerRecordingFiles(app: FastifyInstance, services: Services): void {
  app.route({
    method: 'GET',
    url: '/v1/projects/:projectId/recordings/:sid/files/*',
    schema: {
      operationId: 'downloadRecordingFile',
      summary: 'Download a recorded file',
      description: 'Serves a file of a recording (playlist, segment or MP4) by its `fileName`, from wherever it is stored. Relative segment names in a playlist resolve to this path too.',
      tags: ['Recordings'],
      security: [{ basicAuth: [] }],
      params: FileParams,
    },
    onRequest: (request, reply) => checkAccess(services, 'basic', request, reply),
    handler: async (request, reply) => {
      const params = request.params as { sid: string; '*': string };
      const access = request.access as Access;
      const file = await services.recordings.openFile(access.project.appId, params.sid, params['*']).catch((error) => {
        throw toApiError(error);
      });
      if (!file) throw notFound('fileName', `Recording ${params.sid} has no file "${params['*']}"`);
      reply.header('Content-Type', file.contentType ?? 'application/octet-stream');
      if (file.size > 0) reply.header('Content-Length', file.size);
      return reply.send(file.body);
    },
  });
}
