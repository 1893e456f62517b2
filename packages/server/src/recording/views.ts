/**
 * How both APIs see a recording: its row as a RecordingState, and the paging cursor of a
 * channel's recording list (newest first).
 */
import type { RecordingFileInfo, UploadingStatus } from '@parley/protocol';
import { cursorCodec } from '../paging/cursor.ts';
import type { RecordingSettings } from './settings.ts';
import type * as store from './store.ts';

export type RecordingMode = 'individual' | 'mix';

/** A recording as both APIs describe it. */
export interface RecordingState {
  sid: string;
  resourceId: string;
  appId: string;
  channel: string;
  uid: string;
  mode: RecordingMode;
  status: number;
  createdAt: number;
  stoppedAt: number | null;
  expiresAt: number;
  /** When the first media was recorded (mix: when the composite's clock started); null before. */
  sliceStartTime: number | null;
  /** Whether any media was recorded at all (stop answers Agora's 435 otherwise). */
  recordedMedia: boolean;
  avFileType: Array<'hls' | 'mp4'>;
  fileList: RecordingFileInfo[];
  uploadingStatus: UploadingStatus | null;
  error: string | null;
}

export function toState(row: store.RecordingRow): RecordingState {
  const settings = JSON.parse(row.settings) as RecordingSettings;
  return {
    sid: row.sid,
    resourceId: row.resource_id,
    appId: row.app_id,
    channel: row.channel,
    uid: row.uid,
    mode: row.mode,
    status: row.status,
    createdAt: row.created_at,
    stoppedAt: row.stopped_at,
    expiresAt: row.expires_at,
    sliceStartTime: row.mode === 'mix' ? (row.media_started_at !== null ? row.capture_started_at : null) : row.media_started_at,
    recordedMedia: row.media_started_at !== null,
    avFileType: settings.avFileType,
    fileList: JSON.parse(row.file_list) as RecordingFileInfo[],
    uploadingStatus: row.uploading_status,
    error: row.error,
  };
}

/** A recording list's cursor: the (created_at, sid) of the page's last row. */
export const recordingCursors = cursorCodec<{ createdAt: number; sid: string }>(
  (key) => [key.createdAt, key.sid],
  ([createdAt, sid]) => (typeof createdAt === 'number' && typeof sid === 'string' && /^[0-9a-f]{32}$/.test(sid) ? { createdAt, sid } : undefined),
);
