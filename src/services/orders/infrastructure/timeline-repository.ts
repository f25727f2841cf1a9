import type { Envelope } from '../../../../contracts/index.js';
import type { Sql } from '../../../platform/db/database.js';

export interface TimelineEntry {
  readonly messageId: string;
  readonly type: string;
  readonly version: string;
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly causationId: string | null;
}

/** Records a message in the timeline of the order it belongs to; messages of no known order are skipped. */
export async function recordInTimeline(sql: Sql, envelope: Envelope): Promise<void> {
  await sql.query(
    `insert into orders.timeline (correlation_id, message_id, type, version, source, subject, time, causation_id)
     select $1, $2, $3, $4, $5, $6, $7, $8
     where exists (select 1 from orders.orders where correlation_id = $1)
     on conflict do nothing`,
    [
      envelope.correlationid,
      envelope.id,
      envelope.type,
      envelope.dataversion,
      envelope.source,
      envelope.subject,
      envelope.time,
      envelope.causationid ?? null,
    ],
  );
}

export async function timelineOf(sql: Sql, correlationId: string): Promise<TimelineEntry[]> {
  const rows = await sql.query<TimelineEntry & { time: Date }>(
    `select message_id as "messageId", type, version, source, subject, time, causation_id as "causationId"
     from orders.timeline where correlation_id = $1 order by time, seq`,
    [correlationId],
  );
  return rows.map((row) => ({ ...row, time: row.time.toISOString() }));
}
