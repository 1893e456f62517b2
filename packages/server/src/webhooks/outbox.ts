/**
 * The sessions journal's outbox hook for webhooks: each channel and participant event becomes an
 * NCS notice, queued inside the transaction that records it, and the worker is woken after the
 * commit.
 */
import type { DomainEvent } from '@parley/protocol';
import type { SessionOutbox } from '../sessions/service.ts';
import type { Db } from '../store/database.ts';
import { ClientSequence, noticeForEvent } from './notices.ts';
import type { WebhookService } from './service.ts';

export class WebhookOutbox implements SessionOutbox {
  #webhooks: WebhookService;
  #sequence = new ClientSequence();

  constructor(webhooks: WebhookService) {
    this.#webhooks = webhooks;
  }

  async record(trx: Db, event: DomainEvent): Promise<void> {
    const notice = noticeForEvent(event, this.#sequence);
    if (notice) await this.#webhooks.enqueue(notice, trx);
  }

  committed(): void {
    this.#webhooks.wake();
  }
}
