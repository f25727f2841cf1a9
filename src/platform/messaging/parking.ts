import type { Envelope } from '../../../contracts/index.js';
import type { Database, Sql } from '../db/database.js';
import type { Deferral } from './deferral.js';

export interface ParkedMessage {
  readonly consumer: string;
  readonly envelope: Envelope;
}

export async function park(
  db: Database,
  schema: string,
  consumer: string,
  envelope: Envelope,
  deferral: Deferral,
): Promise<void> {
  await db.query(
    `insert into ${schema}.parked (consumer, message_id, awaited, envelope, reason) values ($1, $2, $3, $4::jsonb, $5)
     on conflict do nothing`,
    [consumer, envelope.id, deferral.awaited, JSON.stringify(envelope), deferral.message],
  );
}

/** Takes the message out of the parking lot; false when another run already did. */
export async function unpark(tx: Sql, schema: string, consumer: string, messageId: string): Promise<boolean> {
  const rows = await tx.query(
    `delete from ${schema}.parked where consumer = $1 and message_id = $2 returning 1`,
    [consumer, messageId],
  );
  return rows.length === 1;
}

export function parkedAwaiting(
  db: Database,
  schema: string,
  awaited: readonly string[],
): Promise<ParkedMessage[]> {
  return db.query<ParkedMessage>(
    `select consumer, envelope from ${schema}.parked where awaited = any ($1::text[]) order by parked_at`,
    [awaited],
  );
}

export async function countParked(db: Database, schema: string): Promise<number> {
  const [row] = await db.query<{ count: number }>(`select count(*)::int as count from ${schema}.parked`);
  return row?.count ?? 0;
}
