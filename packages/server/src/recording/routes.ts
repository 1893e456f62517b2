/**
 * HTTP surface of Parley's v1 recording API: start, get, stop and list (the operation table) and
 * the download of a recorded file (the file-operation table), so validation and OpenAPI come from
 * the protocol's schemas.
 */
import { recordingStatusName, type Recording, type RecordingFile, type StoppedRecording } from '@parley/protocol';
import type { ProjectAccess } from '../http/guard/caller.ts';
import type { FileOperationHandlers, OperationHandlers } from '../http/operations.ts';
import { DomainError } from '../domainError.ts';
import { relayFile } from './fileRelay.ts';
import { FileOnAnotherNode, type RecordingService, type RecordingState } from './service.ts';
import { storageFromParley } from './storage.ts';

type RecordingHandlers = Pick<OperationHandlers, 'startRecording' | 'getRecording' | 'stopRecording' | 'listRecordings' | 'listProjectRecordings'>;

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
async function inChannel(recordings: RecordingService, access: ProjectAccess, channel: string, sid: string): Promise<RecordingState> {
  const state = await recordings.get(access.project.appId, sid);
  if (state.channel !== channel) throw new DomainError('not_found', `No recording ${sid} in channel "${channel}"`, 'sid');
  return state;
}

export function recordingHandlers(recordings: RecordingService): RecordingHandlers {
  return {
    startRecording: async ({ access, params, body }) => {
      const { uid, mode, storage, transcodingConfig, ...settings } = body;
      return recordings.startInChannel(access.project.appId, {
        cname: params.channel,
        uid,
        mode: mode ?? 'mix',
        settings: { ...settings, ...(transcodingConfig ? { transcodingConfig } : {}) },
        storage: storageFromParley(storage),
      });
    },
    getRecording: async ({ access, params }) => recordingView(await inChannel(recordings, access, params.channel, params.sid)),
    stopRecording: async ({ access, params, body }): Promise<StoppedRecording> => {
      await inChannel(recordings, access, params.channel, params.sid);
      const state = await recordings.stop(access.project.appId, params.sid, { wait: body.async !== true });
      return { resourceId: state.resourceId, sid: state.sid, serverResponse: { status: state.status, fileList: files(state), uploadingStatus: state.uploadingStatus ?? 'unknown' } };
    },
    listRecordings: async ({ access, params, query }) => {
      const page = await recordings.list(access.project.appId, params.channel, query);
      return { recordings: page.recordings.map(recordingView), nextCursor: page.nextCursor };
    },
    listProjectRecordings: async ({ access, query }) => {
      const { channel, ...paging } = query;
      const page = await recordings.list(access.project.appId, channel, paging);
      return { recordings: page.recordings.map(recordingView), nextCursor: page.nextCursor };
    },
  };
}

/** `GET /v1/projects/:projectId/recordings/:sid/files/<fileName>`: a recorded file's bytes. */
export function recordingFileHandlers(recordings: RecordingService, nodeId: string): FileOperationHandlers {
  return {
    downloadRecordingFile: async ({ access, params }, reply) => {
      let file;
      try {
        file = await recordings.openFile(access.project.appId, params.sid, params['*']);
      } catch (error) {
        if (error instanceof FileOnAnotherNode) return relayFile(reply, error.url, error.nodeId, nodeId);
        throw error;
      }
      if (!file) throw new DomainError('not_found', `Recording ${params.sid} has no file "${params['*']}"`, 'fileName');
      reply.header('Content-Type', file.contentType ?? 'application/octet-stream');
      if (file.size > 0) reply.header('Content-Length', file.size);
      return reply.send(file.body);
    },
  };
}
