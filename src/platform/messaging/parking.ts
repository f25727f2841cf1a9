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

/** Takes the messages out of the parking lot; returns those still there (not taken by another run). */
export async function unparkAll<M extends { readonly envelope: Envelope }>(
  tx: Sql,
  schema: string,
  consumer: string,
  messages: readonly M[],
): Promise<M[]> {
  const rows = await tx.query<{ message_id: string }>(
    `delete from ${schema}.parked where consumer = $1 and message_id = any ($2::text[]) returning message_id`,
    [consumer, messages.map(({ envelope }) => envelope.id)],
  );
  const taken = new Set(rows.map((row) => row.message_id));
  return messages.filter(({ envelope }) => taken.has(envelope.id));
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
