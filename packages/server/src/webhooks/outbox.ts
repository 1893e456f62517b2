/**
 * The webhook outbox hook of the sessions journal and of recording transitions: each channel,
 * participant and recording event becomes an NCS notice, queued inside the transaction that
 * records its change (events/outbox.ts), and the worker is woken after a commit that queued a
 * delivery. A recording's notices are numbered from the store in that same transaction, so their
 * `sequence` has no gap and no repeat, also across a crash.
 */
import type { DomainEvent } from '@parley/protocol';
import type { EventOutbox } from '../events/outbox.ts';
import type { Db } from '../store/database.ts';
import { ClientSequence, noticeForEvent } from './notices.ts';
import { isRecordingEvent, recordingNotice } from './recordingNotices.ts';
import type { WebhookService } from './service.ts';
import { nextRecordingSequence } from './store.ts';

export class WebhookOutbox implements EventOutbox {
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
