/**
 * The transactional outbox that domains write their events through (webhooks' is the one there
 * is): an event's notices are written in the transaction that makes its state change, so a
 * notice exists exactly when the change does. Sessions and recordings both write this way.
 */
import type { DomainEvent } from '@parley/protocol';
import type { Db } from '../store/database.ts';

export interface EventOutbox {
  /** Writes what `event` means for other domains, in `trx`; answers how many deliveries it queued (none: no endpoint wants it). */
  record(trx: Db, event: DomainEvent): Promise<number>;
  /** After the commit of a transaction that queued deliveries. */
  committed(): void;
}

/**
 * Runs `work` in one transaction with the events it records, and tells the outbox after the
 * commit only when they queued something: most projects have no webhook, and waking the delivery
 * worker runs a claim transaction of its own.
 */
export async function writeThroughOutbox(db: Db, outbox: EventOutbox, work: (trx: Db, record: (event: DomainEvent) => Promise<void>) => Promise<void>): Promise<void> {
  let queued = 0;
  await db.transaction().execute((trx) =>
    work(trx, async (event) => {
      queued += await outbox.record(trx, event);
    }),
  );
  if (queued > 0) outbox.committed();
}
