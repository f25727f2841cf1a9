import {
  sourceOf,
  type Envelope,
  type MessageContract,
  type PayloadOf,
  type ServiceId,
} from '../../contracts/index.js';
import type { Sql } from '../../src/platform/db/database.js';

/**
 * What `service` published on the embedded bus, in commit order. The test hosts keep the bus in
 * the services' database, so a service's messages join the bus's log in the transaction that
 * caused them.
 */
export async function publishedBy<C extends MessageContract>(
  db: Sql,
  service: ServiceId,
  contract: C,
  subject?: string,
): Promise<Envelope<PayloadOf<C>>[]> {
  const rows = await db.query<{ envelope: Envelope<PayloadOf<C>> }>(
    `select envelope from bus.messages
     where envelope->>'source' = $1 and envelope->>'type' = $2 and ($3::text is null or envelope->>'subject' = $3)
     order by seq`,
    [sourceOf(service), contract.id, subject ?? null],
  );
  return rows.map((row) => row.envelope);
}
