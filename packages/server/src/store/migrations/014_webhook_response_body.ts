/**
 * The delivery log shows what a receiver answered, not only its status: the start of the last
 * answer's body ("invalid signature", a stack trace) is what tells why it refused.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('last_response_body', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('last_response_body').execute();
}
