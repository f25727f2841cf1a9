import type { Envelope } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';

/**
 * Records that `consumer` handled the message, inside the handler's transaction. Returns false when
 * it was handled before: the unique key, not a prior read, decides.
 */
export async function claimInboxSlot(
  tx: Sql,
  schema: string,
  consumer: string,
  envelope: Envelope,
): Promise<boolean> {
  const rows = await tx.query(
    `insert into ${schema}.inbox (consumer, message_id, type) values ($1, $2, $3)
     on conflict do nothing returning 1`,
    [consumer, envelope.id, envelope.type],
  );
  return rows.length === 1;
}
