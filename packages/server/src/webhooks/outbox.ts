/**
 * The webhook outbox hook of the sessions journal and of recording transitions: each channel,
 * participant and recording event becomes an NCS notice, queued inside the transaction that
 * records its change, and the worker is woken after the commit (only when a delivery was queued:
 * the worker's claim is a transaction of its own, too dear to run after every join of a project
 * without webhooks). A recording's notices are
 * numbered from the store in that same transaction, so their `sequence` has no gap and no repeat,
 * also across a crash.
 */
import type { DomainEvent } from '@parley/protocol';
import type { RecordingOutbox } from '../recording/transitions.ts';
import type { SessionOutbox } from '../sessions/service.ts';
import type { Db } from '../store/database.ts';
import { ClientSequence, noticeForEvent } from './notices.ts';
import { isRecordingEvent, recordingNotice } from './recordingNotices.ts';
import type { WebhookService } from './service.ts';
import { nextRecordingSequence } from './store.ts';

export class WebhookOutbox implements SessionOutbox, RecordingOutbox {
  #webhooks: WebhookService;
  #sequence = new ClientSequence();

  constructor(webhooks: WebhookService) {
    this.#webhooks = webhooks;
  }

  async record(trx: Db, event: DomainEvent): Promise<number> {
    const notice = isRecordingEvent(event) ? recordingNotice(event, await nextRecordingSequence(trx, event.sid)) : noticeForEvent(event, this.#sequence);
    return notice ? this.#webhooks.enqueue(notice, trx) : 0;
  }

  /** Wakes the worker: called only after a commit that queued deliveries. */
  committed(): void {
    this.#webhooks.wake();
  }
}
