/**
 * The recordings running on this node, from the recorder joining its channel to the files being
 * delivered: launch (recorder in, status 4 then 5), what the recorder reports while it records
 * (slices, first media, idleness, failure), and finishing once — stop requested (6), recorder out,
 * capture closed (7), files made and uploaded (8, or 20 on failure).
 */
import fs from 'node:fs';
import { RecordingStatus, recordingHasEnded, type DomainEvent } from '@parley/protocol';
import type { RtcService } from '../rtc/service.ts';
import type { Delivery } from './delivery.ts';
import { DomainError } from '../domainError.ts';
import { LeaveCode } from './leaveCodes.ts';
import type { MediaTools } from './mediaTools.ts';
import type { RecordingSettings } from './settings.ts';
import * as store from './store.ts';
import { RecordingTask } from './task.ts';
import { announce, recordingRef, transition, type TransitionContext } from './transitions.ts';
import type { Logger } from '../log/logger.ts';

/** How long a stop that waits for the files waits (Agora's budget). */
export const STOP_WAIT_MS = 20_000;

export interface LiveRecording {
  task: RecordingTask;
  row: store.RecordingRow;
  /** Set once the recording is stopping: resolves when its files are made and uploaded. */
  finished: Promise<void> | undefined;
  mediaSeen: boolean;
}

/** Why a recording stops on its own: the row's `error` and the event that reports it. */
interface Failure {
  error: string;
  report: DomainEvent;
}

export interface LifecycleDeps extends TransitionContext {
  rtc: RtcService;
  tools: MediaTools;
  delivery: Delivery;
  workDir(sid: string): string;
  log: Logger;
  /** Runs work in the background, so shutdown can wait for it. */
  track<T>(work: Promise<T>): Promise<T>;
  /** True once the node is shutting down. */
  closing(): boolean;
}

export class RunningRecordings {
  #deps: LifecycleDeps;
  #live = new Map<string, LiveRecording>();

  constructor(deps: LifecycleDeps) {
    this.#deps = deps;
  }

  /** The row of a recording running here, fresher than the database's while it records. */
  row(sid: string): store.RecordingRow | undefined {
    return this.#live.get(sid)?.row;
  }

  /** A recording of `appId` running here and not stopping; otherwise why not. */
  async running(appId: string, sid: string): Promise<LiveRecording> {
    const live = this.#live.get(sid);
    if (live && live.row.app_id === appId && !live.finished) return live;
    const row = live?.row ?? (await store.findRecording(this.#deps.db, appId, sid));
    if (!row) throw new DomainError('not_found', `No recording ${sid} in this project`, 'sid');
    throw new DomainError('not_running', `Recording ${sid} is not running (status ${row.status})`, 'sid');
  }

  /** Puts the recorder of a new recording (its row saved, status 1) into its channel. */
  async launch(row: store.RecordingRow, settings: RecordingSettings): Promise<void> {
    const live: LiveRecording = { row, finished: undefined, mediaSeen: false, task: this.#task(row, settings) };
    try {
      live.task.start();
    } catch (error) {
      await live.task.stop().catch(() => {});
      await transition(this.#deps, row, RecordingStatus.exitedAbnormally, { stopped_at: Date.now(), error: (error as Error).message, uploading_status: 'unknown' }, [], [
        { type: 'recording.recorder_left', ...recordingRef(row), leaveCode: LeaveCode.initFailed },
        { type: 'recording.exited', ...recordingRef(row), exitStatus: 1 },
      ]);
      await fs.promises.rm(this.#deps.workDir(row.sid), { recursive: true, force: true });
      if (error instanceof DomainError && error.kind === 'already_joined') throw new DomainError('uid_in_use', `uid ${row.uid} is already in channel "${row.channel}": the recorder needs a uid of its own`, 'uid');
      throw error;
    }
    this.#live.set(row.sid, live);
    await transition(this.#deps, row, RecordingStatus.allComponentsReady, {}, [{ type: 'recording.recorder_joined', ...recordingRef(row) }]);
    await transition(this.#deps, row, RecordingStatus.inProgress);
  }

  /**
   * Stops a recording and, unless `wait` is false, waits up to STOP_WAIT_MS for its files. A
   * recording that is stopping or has stopped is an `already_stopped` error (Agora code 49).
   */
  async stop(appId: string, sid: string, options: { wait: boolean }): Promise<store.RecordingRow> {
    const live = this.#live.get(sid);
    if (!live || live.row.app_id !== appId) {
      const row = await store.findRecording(this.#deps.db, appId, sid);
      if (!row) throw new DomainError('not_found', `No recording ${sid} in this project`, 'sid');
      if (recordingHasEnded(row.status)) throw new DomainError('already_stopped', `Recording ${sid} has already stopped (status ${row.status})`);
      throw new DomainError('not_running', `Recording ${sid} runs on node ${row.node_id}, not this one`, 'sid');
    }
    if (live.finished) throw new DomainError('already_stopped', `Recording ${sid} is already stopping`);
    const finished = this.#finish(live, LeaveCode.stopped);
    if (options.wait) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
      clearTimeout(timer);
    }
    return live.row;
  }

  /**
   * Server shutdown: recorders leave and their captures are closed cleanly; the recordings are
   * finished (status 20, files made) when the node starts again.
   */
  async shutdown(): Promise<void> {
    await Promise.allSettled(
      [...this.#live.values()].map(async (live) => {
        if (live.finished) return;
        await live.task.stop();
        await announce(this.#deps, [{ type: 'recording.recorder_left', ...recordingRef(live.row), leaveCode: LeaveCode.shutdown }]);
      }),
    );
    this.#live.clear();
  }

  #task(row: store.RecordingRow, settings: RecordingSettings): RecordingTask {
    const sid = row.sid;
    const db = this.#deps.db;
    return new RecordingTask({ sid, appId: row.app_id, channel: row.channel, uid: row.uid, mode: row.mode }, settings, {
      rtc: this.#deps.rtc,
      tools: this.#deps.tools,
      workDir: this.#deps.workDir(sid),
      log: this.#deps.log,
      events: {
        sliceStarted: (slice) => this.#deps.track(store.insertSlice(db, { sid, file: slice.file, uid: JSON.stringify(slice.uid), kind: slice.kind, started_at: slice.startedAt })),
        mediaStarted: (at) => {
          const live = this.#live.get(sid);
          if (!live || live.mediaSeen) return;
          live.mediaSeen = true;
          if (row.media_started_at === null) row.media_started_at = at;
          this.#deps.track(store.markMediaStarted(db, sid, at));
        },
        captureStarted: (at) => {
          row.capture_started_at = at;
          this.#deps.track(store.updateRecording(db, sid, { capture_started_at: at }));
        },
        idle: () => void this.#finishInBackground(sid, LeaveCode.idle),
        evicted: () => void this.#finishInBackground(sid, LeaveCode.stopped),
        failed: (error) => {
          this.#deps.log.error({ err: error, sid }, 'recording failed');
          const report: DomainEvent = { type: 'recording.error', ...recordingRef(row), module: 0, errorLevel: 5, errorCode: 51, errorMsg: error.message };
          // Announced with the stop it causes, or alone when the recording is stopping already.
          if (!this.#finishInBackground(sid, LeaveCode.stopped, { error: error.message, report })) void this.#deps.track(announce(this.#deps, [report]));
        },
      },
    });
  }

  /** Starts finishing a recording unless it is finishing already or the node is closing; true when it started. */
  #finishInBackground(sid: string, leaveCode: number, failure?: Failure): boolean {
    const live = this.#live.get(sid);
    if (!live || live.finished || this.#deps.closing()) return false;
    void this.#finish(live, leaveCode, failure);
    return true;
  }

  /** Stop requested → recorder out → files made → uploaded → exited. Runs once per recording. */
  #finish(live: LiveRecording, leaveCode: number, failure?: Failure): Promise<void> {
    live.finished ??= this.#deps.track(
      (async () => {
        const row = live.row;
        await transition(this.#deps, row, RecordingStatus.stopRequested, failure ? { error: failure.error } : {}, failure ? [failure.report] : []);
        const captured = await live.task.stop();
        await transition(this.#deps, row, RecordingStatus.allComponentsStopped, { stopped_at: Date.now() }, [{ type: 'recording.recorder_left', ...recordingRef(row), leaveCode }]);
        await this.#deps.delivery.deliver(row, captured, failure ? RecordingStatus.exitedAbnormally : RecordingStatus.exited, this.#deps.closing);
      })().finally(() => this.#live.delete(live.row.sid)),
    );
    return live.finished;
  }
}
