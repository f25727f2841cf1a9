import type { Sql } from '../platform/db/database.js';
import type { ConformanceReport } from './conformance.js';
import type { TimelineEntry } from './timeline-repository.js';

export interface FlowCheck {
  readonly correlationId: string;
  readonly checkedAt: string | null;
  readonly report: ConformanceReport | null;
}

interface FlowCheckRow {
  correlationId: string;
  checkedAt: Date | null;
  report: ConformanceReport | null;
}

const toFlowCheck = (row: FlowCheckRow): FlowCheck => ({
  correlationId: row.correlationId,
  checkedAt: row.checkedAt?.toISOString() ?? null,
  report: row.report,
});

/** A due check with what it needs: the order's timeline and the orders sharing its correlation id. */
export interface DueFlowCheck extends FlowCheck {
  readonly timeline: readonly TimelineEntry[];
  readonly orderIds: readonly string[];
}

/** Locks up to `limit` checks that are due, skipping those another checker holds, with their timelines. */
export async function claimDueFlowChecks(tx: Sql, now: Date, limit: number): Promise<DueFlowCheck[]> {
  const checks = await tx.query<FlowCheckRow>(
    `select correlation_id as "correlationId", checked_at as "checkedAt", report
     from orders.flow_checks where due_at <= $1 order by due_at limit $2 for update skip locked`,
    [now, limit],
  );
  if (checks.length === 0) return [];
  const ids = checks.map((check) => check.correlationId);
  const entries = await tx.query<
    Omit<TimelineEntry, 'time' | 'firstHandledAt'> & {
      correlationId: string;
      time: Date;
      firstHandledAt: Date | null;
    }
  >(
    `select correlation_id as "correlationId", message_id as "messageId", type, version, source, subject,
            time, causation_id as "causationId", first_handled_at as "firstHandledAt"
     from orders.timeline where correlation_id = any($1::text[]) order by time, seq`,
    [ids],
  );
  const orders = await tx.query<{ correlationId: string; orderId: string }>(
    `select correlation_id as "correlationId", order_id as "orderId"
     from orders.orders where correlation_id = any($1::text[]) order by created_at`,
    [ids],
  );
  return checks.map((check) => ({
    ...toFlowCheck(check),
    timeline: entries
      .filter((entry) => entry.correlationId === check.correlationId)
      .map(({ correlationId: _correlationId, ...entry }) => ({
        ...entry,
        time: entry.time.toISOString(),
        firstHandledAt: entry.firstHandledAt?.toISOString() ?? null,
      })),
    orderIds: orders
      .filter((order) => order.correlationId === check.correlationId)
      .map((order) => order.orderId),
  }));
}

/** Stores the reports of the checks made in one run, in one statement. */
export async function saveFlowChecks(
  tx: Sql,
  checks: readonly { correlationId: string; report: ConformanceReport }[],
  checkedAt: Date,
): Promise<void> {
  if (checks.length === 0) return;
  await tx.query(
    `update orders.flow_checks f
     set report = c.report, conforms = c.conforms, checked_at = $5, due_at = c.due_at
     from unnest($1::text[], $2::json[], $3::boolean[], $4::timestamptz[])
       as c (correlation_id, report, conforms, due_at)
     where f.correlation_id = c.correlation_id`,
    [
      checks.map((check) => check.correlationId),
      checks.map((check) => JSON.stringify(check.report)),
      checks.map((check) => check.report.conforms),
      checks.map((check) => check.report.nextCheckAt),
      checkedAt,
    ],
  );
}

export async function findFlowCheck(sql: Sql, correlationId: string): Promise<FlowCheck | undefined> {
  const [row] = await sql.query<FlowCheckRow>(
    `select correlation_id as "correlationId", checked_at as "checkedAt", report
     from orders.flow_checks where correlation_id = $1`,
    [correlationId],
  );
  return row && toFlowCheck(row);
}

/** When the earliest check asked for comes due; undefined when none is. */
export async function nextFlowCheckDue(sql: Sql): Promise<Date | undefined> {
  const [row] = await sql.query<{ dueAt: Date | null }>(
    'select min(due_at) as "dueAt" from orders.flow_checks',
  );
  return row?.dueAt ?? undefined;
}

/** Checks due by `until`. */
export async function countDueFlowChecks(sql: Sql, until: Date): Promise<number> {
  const [row] = await sql.query<{ due: number }>(
    'select count(*)::int as due from orders.flow_checks where due_at <= $1',
    [until],
  );
  return row?.due ?? 0;
}

/** Correlation ids whose last check found the path departing from its documented flows. */
export async function countDepartingFlows(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ departing: number }>(
    'select count(*)::int as departing from orders.flow_checks where conforms = false',
  );
  return row?.departing ?? 0;
}
