import type { Envelope } from '../../contracts/index.js';
import type { Sql } from '../platform/db/database.js';

export interface TimelineEntry {
  readonly messageId: string;
  readonly type: string;
  readonly version: string;
  readonly source: string;
  readonly subject: string;
  readonly time: string;
  readonly causationId: string | null;
  /** Who caused it, when an authenticated request started what led to it. */
  readonly actor: { readonly id: string; readonly role: string } | null;
  /** When the domain first took the message from the bus, where recorded. */
  readonly firstHandledAt?: string | null;
}

/** A message as its order's timeline shows it. */
export const timelineEntryOf = (envelope: Envelope): TimelineEntry => ({
  messageId: envelope.id,
  type: envelope.type,
  version: envelope.dataversion,
  source: envelope.source,
  subject: envelope.subject,
  time: envelope.time,
  causationId: envelope.causationid ?? null,
  actor: envelope.actorid && envelope.actorrole ? { id: envelope.actorid, role: envelope.actorrole } : null,
});

/** Appends messages to the timelines of the orders they belong to, in key order; a message recorded before, or of no known order, is skipped. */
const appendToTimelines = `
  insert into orders.timeline (correlation_id, message_id, type, version, source, subject, time, causation_id, actor_id, actor_role, first_handled_at)
  select m.*, $11 from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[])
    as m (correlation_id, message_id, type, version, source, subject, time, causation_id, actor_id, actor_role)
  where exists (select 1 from orders.orders o where o.correlation_id = m.correlation_id)
  order by m.correlation_id, m.message_id
  on conflict do nothing`;

function timelineColumns(envelopes: readonly Envelope[], handledAt: Date): unknown[] {
  const column = <T>(pick: (envelope: Envelope) => T) => envelopes.map(pick);
  return [
    column((e) => e.correlationid),
    column((e) => e.id),
    column((e) => e.type),
    column((e) => e.dataversion),
    column((e) => e.source),
    column((e) => e.subject),
    column((e) => e.time),
    column((e) => e.causationid ?? null),
    column((e) => e.actorid ?? null),
    column((e) => e.actorrole ?? null),
    handledAt,
  ];
}

/**
 * Records messages in the timelines of the orders they belong to, in key order; messages of no known
 * order are skipped.
 */
export async function recordInTimeline(
  sql: Sql,
  envelopes: readonly Envelope[],
  handledAt: Date,
): Promise<void> {
  await sql.query(appendToTimelines, timelineColumns(envelopes, handledAt));
}

/**
 * Records messages as `recordInTimeline` does and, in the same statement, asks for each timeline
 * that grew to be checked against the documented flows at `checkAt`: a message recorded before asks
 * for nothing. A check already asked for earlier keeps its time, so the messages of a burst share
 * one check. Checks are locked in key order.
 */
export async function recordForCheck(
  sql: Sql,
  envelopes: readonly Envelope[],
  handledAt: Date,
  checkAt: Date,
): Promise<void> {
  await sql.query(
    `with recorded as (${appendToTimelines} returning correlation_id)
     insert into orders.flow_checks (correlation_id, due_at)
     select distinct correlation_id, $12::timestamptz from recorded
     order by correlation_id
     on conflict (correlation_id) do update set due_at = least(orders.flow_checks.due_at, excluded.due_at)`,
    [...timelineColumns(envelopes, handledAt), checkAt],
  );
}

export async function timelineOf(sql: Sql, correlationId: string): Promise<TimelineEntry[]> {
  const rows = await sql.query<
    Omit<TimelineEntry, 'actor'> & { time: Date; actorId: string | null; actorRole: string | null }
  >(
    `select message_id as "messageId", type, version, source, subject, time, causation_id as "causationId",
       actor_id as "actorId", actor_role as "actorRole"
     from orders.timeline where correlation_id = $1 order by time, seq`,
    [correlationId],
  );
  return rows.map(({ actorId, actorRole, ...row }) => ({
    ...row,
    time: row.time.toISOString(),
    actor: actorId && actorRole ? { id: actorId, role: actorRole } : null,
  }));
}
