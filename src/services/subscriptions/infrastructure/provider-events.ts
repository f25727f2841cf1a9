import type { Sql } from '../../../platform/db/database.js';

/** Remembers a webhook event; false when it was applied before (providers deliver at least once). */
export async function recordProviderEvent(
  sql: Sql,
  event: { eventId: string; kind: string; receivedAt: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `insert into subscriptions.provider_events (event_id, kind, received_at) values ($1, $2, $3)
     on conflict (event_id) do nothing returning 1`,
    [event.eventId, event.kind, event.receivedAt],
  );
  return rows.length === 1;
}
