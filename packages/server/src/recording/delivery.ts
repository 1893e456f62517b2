/**
 * The end of a recording: what it captured is made into files (finalize.ts), the files are put
 * in its storage (uploader.ts), and the outcome is recorded and announced: `fileList`,
 * `uploadingStatus`, the exit status, events. Files that did not upload wait in the work folder and
 * are retried until they land. Also what a restarted node needs to finish an interrupted recording.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RecordingStatus, type DomainEvent, type RecordingFileInfo, type UploadingStatus } from '@parley/protocol';
import type { RecordingStorageConfig } from '../config/index.ts';
import type { CertificateCipher } from '../projects/credentials.ts';
import { finalizeIndividual, finalizeMix, type FinalFiles } from './finalize.ts';
import type { MediaTools } from './mediaTools.ts';
import { objectKey } from './names.ts';
import type { RecordingSettings } from './settings.ts';
import { blobStoreFor, openStorage } from './storage.ts';
import * as store from './store.ts';
import { MIX_CAPTURE_FILE, type Captured } from './task.ts';
import { recordingRef, transition, updateRow, type TransitionContext } from './transitions.ts';
import { untilStored } from './untilStored.ts';
import { uploadFiles } from './uploader.ts';
import type { Logger } from '../log/logger.ts';

export interface DeliveryDeps extends TransitionContext {
  tools: MediaTools;
  cipher: CertificateCipher;
  storage: RecordingStorageConfig;
  workDir(sid: string): string;
  log: Logger;
}

export class Delivery {
  #deps: DeliveryDeps;
  /** Recordings whose pending uploads are being retried right now. */
  #retrying = new Set<string>();

  constructor(deps: DeliveryDeps) {
    this.#deps = deps;
  }

  /** What an interrupted recording had captured, from its slices' rows and its work folder. */
  async capturedOf(row: store.RecordingRow): Promise<Captured> {
    const workDir = this.#deps.workDir(row.sid);
    const slices = (await store.slicesOf(this.#deps.db, row.sid)).map((slice) => ({
      file: path.join(workDir, slice.file),
      uid: String(JSON.parse(slice.uid)),
      kind: slice.kind,
      startedAt: slice.started_at,
    }));
    const capture = row.mode === 'mix' && row.capture_started_at !== null ? { file: path.join(workDir, MIX_CAPTURE_FILE), startedAt: row.capture_started_at } : undefined;
    return { slices, capture };
  }

  /**
   * Makes the files, uploads them, and records the outcome; the task ends with `exitStatus`. When
   * that fails the recording exits abnormally saying why, unless `interrupted()` (the server is
   * shutting down and killed the ffmpeg processes: the next start finishes the job). The outcome
   * and the task's `exited` notice are one write, retried while the store is unavailable.
   */
  async deliver(row: store.RecordingRow, captured: Captured, exitStatus: 8 | 20, interrupted: () => boolean): Promise<void> {
    // Errors met on the way, announced with the outcome whichever it is.
    const reported: DomainEvent[] = [];
    try {
      await this.#deliver(row, captured, exitStatus, reported, interrupted);
    } catch (error) {
      if (interrupted()) return;
      const message = (error as Error).message;
      this.#deps.log.error({ err: error, sid: row.sid }, 'recording files could not be made');
      await this.#end(row, RecordingStatus.exitedAbnormally, { uploading_status: 'unknown', error: `The files could not be made: ${message}` }, [
        ...reported,
        { type: 'recording.error', ...recordingRef(row), module: 2, errorLevel: 5, errorCode: 51, errorMsg: message },
      ], interrupted);
    }
  }

  /** The last status of a task, its events and its `exited` notice, in one write that must land. */
  #end(row: store.RecordingRow, status: 8 | 20, changes: Partial<Omit<store.RecordingRow, 'sid' | 'status'>>, alongside: DomainEvent[], interrupted: () => boolean): Promise<boolean> {
    const exited: DomainEvent = { type: 'recording.exited', ...recordingRef(row), exitStatus: status === RecordingStatus.exited ? 0 : 1 };
    return untilStored(() => transition(this.#deps, row, status, changes, alongside, [exited]), {
      log: this.#deps.log,
      closing: interrupted,
      describe: { sid: row.sid, status, notice: 'recording.exited' },
    });
  }

  async #deliver(row: store.RecordingRow, captured: Captured, exitStatus: 8 | 20, reported: DomainEvent[], interrupted: () => boolean): Promise<void> {
    const workDir = this.#deps.workDir(row.sid);
    const settings = JSON.parse(row.settings) as RecordingSettings;
    const spec = openStorage(row.storage, this.#deps.cipher);
    let made: FinalFiles = { files: [], entries: [], problems: [] };
    if (row.media_started_at !== null) {
      const outDir = path.join(workDir, 'out');
      await fs.promises.rm(outDir, { recursive: true, force: true });
      const mp4 = settings.avFileType.includes('mp4');
      made = captured.capture
        ? await finalizeMix(this.#deps.tools, { sid: row.sid, cname: row.channel, capture: captured.capture.file, startedAt: captured.capture.startedAt, mp4, outDir })
        : await finalizeIndividual(this.#deps.tools, { sid: row.sid, cname: row.channel, slices: captured.slices, mp4, outDir });
    }
    for (const problem of made.problems) {
      this.#deps.log.warn({ sid: row.sid, problem }, 'part of a recording could not be made into files');
      reported.push({ type: 'recording.error', ...recordingRef(row), module: 0, errorLevel: 3, errorCode: 51, errorMsg: problem });
    }
    const files = made.files.map((file) => ({ key: objectKey(spec.prefix, file.name), path: file.path }));
    const fileList = made.entries.map((entry) => ({ ...entry, fileName: objectKey(spec.prefix, entry.fileName) }));
    const { failed } = files.length > 0 ? await uploadFiles(blobStoreFor(spec, row.app_id, this.#deps.storage), files) : { failed: [] };
    const uploadingStatus: UploadingStatus = files.length === 0 ? 'unknown' : failed.length > 0 ? 'backuped' : 'uploaded';
    const problems = [...made.problems, ...(failed.length > 0 ? [`${failed.length} file(s) not uploaded yet (${failed[0]!.error}); retrying`] : [])];
    if (failed.length > 0) this.#deps.log.warn({ sid: row.sid, failed: failed.length, error: failed[0]!.error }, 'recording upload failed; the files wait for a retry');
    const ended = await this.#end(
      row,
      exitStatus,
      {
        file_list: JSON.stringify(fileList),
        pending_files: JSON.stringify(failed.map((f) => f.key)),
        uploading_status: uploadingStatus,
        ...(problems.length > 0 ? { error: [row.error, ...problems].filter(Boolean).join('; ') } : {}),
      },
      [
        ...reported,
        ...(failed.length > 0 ? [{ type: 'recording.error', ...recordingRef(row), module: 1, errorLevel: 3, errorCode: 47, errorMsg: failed[0]!.error } as const] : []),
        ...(files.length > 0 ? [{ type: 'recording.files_uploaded', ...recordingRef(row), uploadingStatus: failed.length > 0 ? 'backuped' : 'uploaded', fileList } as const] : []),
      ],
      interrupted,
    );
    // Not recorded (shutdown while the store failed): the next start makes the files again from the work folder.
    if (!ended) return;
    if (failed.length === 0) await fs.promises.rm(workDir, { recursive: true, force: true });
  }

  /** Uploads again what a node's recordings failed to upload before. */
  async retryUploads(nodeId: string, stopping: () => boolean): Promise<void> {
    for (const row of await store.recordingsAwaitingUpload(this.#deps.db, nodeId)) {
      if (this.#retrying.has(row.sid) || stopping()) continue;
      this.#retrying.add(row.sid);
      try {
        const outDir = path.join(this.#deps.workDir(row.sid), 'out');
        const pending = JSON.parse(row.pending_files) as string[];
        const { failed } = await uploadFiles(
          blobStoreFor(openStorage(row.storage, this.#deps.cipher), row.app_id, this.#deps.storage),
          pending.map((key) => ({ key, path: path.join(outDir, key.split('/').at(-1)!) })),
          [],
        );
        if (failed.length > 0) {
          await updateRow(this.#deps, row, { pending_files: JSON.stringify(failed.map((f) => f.key)) });
          continue;
        }
        // A retry that is not recorded (the store failed) is redone by the next one: the files stay pending.
        await updateRow(this.#deps, row, { pending_files: '[]', uploading_status: 'uploaded' }, [
          { type: 'recording.files_uploaded', ...recordingRef(row), uploadingStatus: 'uploaded', fileList: JSON.parse(row.file_list) as RecordingFileInfo[] },
        ]);
        await fs.promises.rm(this.#deps.workDir(row.sid), { recursive: true, force: true });
      } catch (error) {
        this.#deps.log.warn({ err: error, sid: row.sid }, 'recording upload retry failed');
      } finally {
        this.#retrying.delete(row.sid);
      }
    }
  }
}
