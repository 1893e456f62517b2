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
    // No status event yet: delivering the files announces status 20 with the file list.
    await updateRow(
      deps,
      row,
      {
        status: RecordingStatus.exitedAbnormally,
        stopped_at: row.stopped_at ?? Date.now(),
        error: row.error ?? 'The server stopped during the recording; what it had recorded was made into files',
      },
      [{ type: 'recording.recorder_left', ...recordingRef(row), leaveCode: LeaveCode.shutdown }],
    );
    deps.track(deps.delivery.capturedOf(row).then((captured) => deps.delivery.deliver(row, captured, RecordingStatus.exitedAbnormally, deps.closing)));
  }
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
