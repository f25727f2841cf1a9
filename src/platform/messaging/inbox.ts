import type { Envelope } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';

/**
 * Records that `consumer` handled these messages, inside the handler's transaction, and returns
 * the ids seen for the first time: the unique key, not a prior read, decides what is a duplicate.
 */
export async function claimInboxSlots(
  tx: Sql,
  schema: string,
  consumer: string,
  envelopes: readonly Envelope[],
): Promise<Set<string>> {
  const rows = await tx.query<{ message_id: string }>(
    `insert into ${schema}.inbox (consumer, message_id, type)
     select $1, id, type from unnest($2::text[], $3::text[]) as m (id, type)
     on conflict do nothing returning message_id`,
    [consumer, envelopes.map((envelope) => envelope.id), envelopes.map((envelope) => envelope.type)],
  );
  return new Set(rows.map((row) => row.message_id));
}
