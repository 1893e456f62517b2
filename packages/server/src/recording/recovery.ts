/**
 * What a node does about recordings when it starts: those it left unfinished (it crashed or
 * stopped mid-recording) exit abnormally (20) and what they captured is made into files and
 * listed; from then on, uploads that failed are retried and resources that expired unused are
 * forgotten, every `retrySeconds`.
 */
import { RecordingStatus } from '@parley/protocol';
import type { Delivery } from './delivery.ts';
import { LeaveCode } from './leaveCodes.ts';
import * as store from './store.ts';
import { recordingRef, updateRow, type TransitionContext } from './transitions.ts';

export interface RecoveryDeps extends TransitionContext {
  nodeId: string;
  delivery: Delivery;
  /** Runs work in the background, so shutdown can wait for it. */
  track(work: Promise<unknown>): void;
  /** True once the node is shutting down: work in flight stops early. */
  closing(): boolean;
}

/** Finishes the recordings this node left unfinished; resolves to how many there were. */
export async function recoverUnfinished(deps: RecoveryDeps): Promise<number> {
  const rows = await store.unfinishedRecordings(deps.db, deps.nodeId);
  for (const row of rows) {
    // Another node may have ended it already (this node's heartbeat lapsed): only its files are left to make.
    if (row.status !== RecordingStatus.exitedAbnormally) await exitAbnormally(deps, row, 'The server stopped during the recording; what it had recorded was made into files');
    deps.track(deps.delivery.capturedOf(row).then((captured) => deps.delivery.deliver(row, captured, RecordingStatus.exitedAbnormally, deps.closing)));
  }
  return rows.length;
}

/**
 * Ends a recording whose recorder is gone, with status 20 and the recorder's leave notice. No
 * status event yet: delivering the files announces status 20 with the file list.
 */
async function exitAbnormally(deps: TransitionContext, row: store.RecordingRow, error: string): Promise<void> {
  await updateRow(deps, row, { status: RecordingStatus.exitedAbnormally, stopped_at: row.stopped_at ?? Date.now(), error: row.error ?? error }, [
    { type: 'recording.recorder_left', ...recordingRef(row), leaveCode: LeaveCode.shutdown },
  ]);
}

/**
 * The recordings of another node that died (its heartbeat lapsed) exit abnormally now, so that
 * queries and webhooks say so; their captured files are on that node's disk, and it makes them
 * into files when it starts again (recoverUnfinished: no file list was announced yet).
 */
export async function abandonRecordingsOf(deps: TransitionContext, nodeId: string): Promise<number> {
  const rows = (await store.unfinishedRecordings(deps.db, nodeId)).filter((row) => row.status !== RecordingStatus.exitedAbnormally && row.status !== RecordingStatus.exited);
  for (const row of rows) await exitAbnormally(deps, row, `The node running the recording (${nodeId}) stopped answering; its files are made when it starts again`);
  return rows.length;
}

/** Retries failed uploads and forgets expired resources every `retrySeconds`; returns the timer. */
export function retryUploadsEvery(deps: RecoveryDeps, retrySeconds: number): NodeJS.Timeout {
  const timer = setInterval(
    () =>
      deps.track(
        (async () => {
          await store.deleteExpiredResources(deps.db, Date.now());
          await deps.delivery.retryUploads(deps.nodeId, deps.closing);
        })(),
      ),
    retrySeconds * 1000,
  );
  timer.unref();
  return timer;
}
