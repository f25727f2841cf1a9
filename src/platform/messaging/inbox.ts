import type { Envelope } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';

/**
 * Records that `consumer` handled these messages, inside the handler's transaction, and returns
 * the idempotency keys seen for the first time: the unique key, not a prior read, decides what is
 * a duplicate. The key, not the envelope id, names the intent: a message sent again under a new
 * id is still applied once.
 */
export async function claimInboxSlots(
  tx: Sql,
  schema: string,
  consumer: string,
  envelopes: readonly Envelope[],
): Promise<Set<string>> {
  const rows = await tx.query<{ idempotency_key: string }>(
    `insert into ${schema}.inbox (consumer, idempotency_key, type)
     select $1, key, type from unnest($2::text[], $3::text[]) as m (key, type)
     on conflict do nothing returning idempotency_key`,
    [
      consumer,
      envelopes.map((envelope) => envelope.idempotencykey),
      envelopes.map((envelope) => envelope.type),
    ],
  );
  return new Set(rows.map((row) => row.idempotency_key));
}
