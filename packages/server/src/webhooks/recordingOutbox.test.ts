/**
 * Recording notices written by recording transitions through the webhook outbox, on both durable
 * stores, with no worker running: a notice exists exactly when its change does (same
 * transaction), its task's `sequence` goes on 0, 1, 2… across a server killed mid-recording, and
 * the end of a recording waits out a store that cannot write instead of being lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordingStatus, type DomainEvent } from '@parley/protocol';
import { openTestStore, refuseWrites, STORE_KINDS, type TestStore } from '../../../../test/support/stores.ts';
import { EventBus } from '../events/bus.ts';
import { CertificateCipher } from '../projects/credentials.ts';
import { ProjectService } from '../projects/service.ts';
import { Delivery } from '../recording/delivery.ts';
import { MediaTools } from '../recording/mediaTools.ts';
import { recoverUnfinished } from '../recording/recovery.ts';
import * as recordingStore from '../recording/store.ts';
import type { EventOutbox } from '../events/outbox.ts';
import { created, recordingRef, transition, type TransitionContext } from '../recording/transitions.ts';
import { WebhookOutbox } from './outbox.ts';
import { WebhookService } from './service.ts';

describe.each(STORE_KINDS)('recording notices through the webhook outbox on %s', (kind) => {
  let opened: TestStore;
  let workRoot: string;
  let appId: string;
  let webhookId: string;
  let webhooks: WebhookService;
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() };

  beforeEach(async () => {
    opened = await openTestStore(kind);
    workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-rec-outbox-'));
    webhooks = newWebhookService();
    appId = (await new ProjectService(opened.store.db, undefined).createProject({ name: 'Recording outbox' })).appId;
    webhookId = (await webhooks.createWebhook(appId, { url: 'http://receiver.test/hooks', events: ['recording'] })).webhookId;
    vi.clearAllMocks();
  });
  afterEach(async () => {
    await opened.close();
    fs.rmSync(workRoot, { recursive: true, force: true });
  });

  function newWebhookService(): WebhookService {
    return new WebhookService(opened.store.db, { secretKey: undefined, policy: { allowPrivate: true, resolve: async () => [{ address: '127.0.0.1', family: 4 }] } });
  }

  /** What one server process holds: its own bus and outbox over the shared store. */
  function serverProcess(): TransitionContext & { bus: EventBus } {
    const bus = new EventBus(log);
    return { db: opened.store.db, events: bus, bus, outbox: new WebhookOutbox(newWebhookService()), recordingsChanged: async () => {} };
  }

  function recordingRow(sid: string): recordingStore.RecordingRow {
    const now = Date.now();
    return {
      sid,
      resource_id: `rid-${sid}`,
      app_id: appId,
      channel: 'rec-room',
      uid: '527',
      mode: 'individual',
      status: RecordingStatus.initialized,
      node_id: 'node-a',
      settings: '{}',
      storage: null,
      created_at: now,
      expires_at: now + 3_600_000,
      capture_started_at: null,
      media_started_at: null,
      stopped_at: null,
      file_list: '[]',
      pending_files: '[]',
      uploading_status: null,
      error: null,
    };
  }

  /** The queued notices of the endpoint, oldest first: [eventType, sequence, msgName]. */
  async function queued(): Promise<Array<[number, number, string]>> {
    const page = await webhooks.listDeliveries(appId, webhookId, { limit: 500 });
    return page.deliveries.reverse().map((d) => {
      const { payload } = JSON.parse(d.body);
      return [d.eventType, payload.sequence, payload.details.msgName];
    });
  }

  function delivery(context: TransitionContext): Delivery {
    return new Delivery({
      ...context,
      tools: new MediaTools({ ffmpegPath: undefined }),
      cipher: new CertificateCipher(undefined),
      storage: { kind: 'local', dir: path.join(workRoot, 'files') },
      workDir: (sid) => path.join(workRoot, 'work', sid),
      log,
    });
  }

  it('records neither the status change nor its notices when the outbox write fails (one transaction)', async () => {
    const context = serverProcess();
    const row = recordingRow('sid-fails');
    await created(context, row);
    const failing: EventOutbox = {
      record: async (trx, event) => {
        await context.outbox!.record(trx, event);
        throw new Error('outbox unavailable');
      },
      committed: () => {},
    };
    const joined: DomainEvent = { type: 'recording.recorder_joined', ...recordingRef(row) };
    await expect(transition({ ...context, outbox: failing }, row, RecordingStatus.allComponentsReady, {}, [joined])).rejects.toThrow('outbox unavailable');
    expect((await recordingStore.findRecording(opened.store.db, appId, row.sid))!.status).toBe(RecordingStatus.initialized);
    // The copy the process holds does not show the change the database refused.
    expect(row.status).toBe(RecordingStatus.initialized);
    expect(await queued()).toEqual([[3, 0, 'cloud_recording_status_update']]);

    // The numbers the refused notices would have taken are given to the next ones: no gap.
    await transition(context, row, RecordingStatus.allComponentsReady, {}, [joined]);
    expect(await queued()).toEqual([
      [3, 0, 'cloud_recording_status_update'],
      [40, 1, 'recorder_started'],
      [3, 2, 'cloud_recording_status_update'],
    ]);
  });

  it('puts the events on the bus only once their change and notices are committed', async () => {
    const context = serverProcess();
    const seen: string[] = [];
    context.bus.on('recording.status', (event) => void seen.push(`status ${event.status}`));
    const row = recordingRow('sid-bus');
    await created(context, row);
    const broken = { ...context, outbox: { record: async () => Promise.reject(new Error('no')), committed: () => {} } };
    await expect(transition(broken, row, RecordingStatus.allComponentsReady)).rejects.toThrow('no');
    await transition(context, row, RecordingStatus.allComponentsReady);
    await context.bus.drain();
    expect(seen).toEqual(['status 1', 'status 4']);
  });

  it('numbers a task\'s notices 0, 1, 2… with no gap and no repeat across a server killed mid-recording', async () => {
    const first = serverProcess();
    const row = recordingRow('sid-crash');
    await created(first, row);
    await transition(first, row, RecordingStatus.allComponentsReady, {}, [{ type: 'recording.recorder_joined', ...recordingRef(row) }]);
    await transition(first, row, RecordingStatus.inProgress);

    // Killed with -9: nothing the first process held survives. The next start finishes the recording.
    const next = serverProcess();
    const background: Array<Promise<unknown>> = [];
    expect(await recoverUnfinished({ ...next, nodeId: 'node-a', delivery: delivery(next), track: (work) => void background.push(work), closing: () => false })).toBe(1);
    await Promise.all(background);

    const notices = await queued();
    expect(notices).toEqual([
      [3, 0, 'cloud_recording_status_update'],
      [40, 1, 'recorder_started'],
      [3, 2, 'cloud_recording_status_update'],
      [3, 3, 'cloud_recording_status_update'],
      [41, 4, 'recorder_leave'],
      [3, 5, 'cloud_recording_status_update'],
      [11, 6, 'session_exit'],
    ]);
    expect((await recordingStore.findRecording(opened.store.db, appId, row.sid))!.status).toBe(RecordingStatus.exitedAbnormally);
  });

  it('writes the end of a recording and its exited notice once the store takes writes again', async () => {
    const context = serverProcess();
    const row = recordingRow('sid-full-disk');
    await created(context, row);
    await transition(context, row, RecordingStatus.allComponentsStopped, { stopped_at: Date.now() });
    const allowWrites = await refuseWrites(opened.store);
    const ended = delivery(context).deliver(row, { slices: [], capture: undefined }, RecordingStatus.exited, () => false);
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledWith(expect.objectContaining({ sid: row.sid, notice: 'recording.exited' }), expect.stringMatching(/store is unavailable/)));
    await allowWrites();
    await ended;
    expect((await queued()).slice(-2)).toEqual([
      [3, 2, 'cloud_recording_status_update'],
      [11, 3, 'session_exit'],
    ]);
    expect(await recordingStore.findRecording(opened.store.db, appId, row.sid)).toMatchObject({ status: RecordingStatus.exited, uploading_status: 'unknown' });
    expect(log.error).not.toHaveBeenCalled();
  });

  it('logs an end the store did not take before shutdown, and leaves the recording for the next start', async () => {
    const context = serverProcess();
    const row = recordingRow('sid-shutdown');
    await created(context, row);
    await transition(context, row, RecordingStatus.allComponentsStopped, { stopped_at: Date.now() });
    await refuseWrites(opened.store);
    let closing = false;
    const ended = delivery(context).deliver(row, { slices: [], capture: undefined }, RecordingStatus.exited, () => closing);
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalled());
    closing = true;
    await ended;
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ sid: row.sid, notice: 'recording.exited' }), expect.stringMatching(/shutting down/));
    expect(row.status).toBe(RecordingStatus.allComponentsStopped);
    expect((await recordingStore.unfinishedRecordings(opened.store.db, 'node-a')).map((r) => r.sid)).toEqual([row.sid]);
  });
});
