/**
 * v1 operations that answer bytes rather than the JSON envelope: recorded files. Described once,
 * like `operations.ts`; the server registers them from this table and the OpenAPI document lists
 * them.
 */
import Type, { type TSchema } from 'typebox';
import { ProjectId } from './common.ts';
import type { OperationAuth } from './operations.ts';
import { RecordingSid } from './recordings.ts';

export interface FileOperation {
  operationId: string;
  method: 'GET';
  /** Fastify-style path; a trailing `*` takes the rest of the path (a file name with folders). */
  path: string;
  summary: string;
  description: string;
  tag: string;
  auth: OperationAuth;
  params: TSchema;
}

export const RecordingFileParams = Type.Object({ projectId: ProjectId, sid: RecordingSid, '*': Type.String({ minLength: 1, maxLength: 1024 }) });

export const fileOperations = {
  downloadRecordingFile: {
    operationId: 'downloadRecordingFile',
    method: 'GET',
    path: '/v1/projects/:projectId/recordings/:sid/files/*',
    summary: 'Download a recorded file',
    description: 'Serves a file of a recording (playlist, segment or MP4) by its `fileName`, from wherever it is stored. Relative segment names in a playlist resolve to this path too.',
    tag: 'Recordings',
    auth: 'basic',
    params: RecordingFileParams,
  },
} as const satisfies Record<string, FileOperation>;

export type FileOperationId = keyof typeof fileOperations;
