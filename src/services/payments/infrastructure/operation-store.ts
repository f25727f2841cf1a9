import type { Database, Sql } from '../../../platform/db/database.js';
import { jobTable } from '../../../platform/jobs/job-table.js';
import type { Actor } from '../../../platform/messaging/unit-of-work.js';
import type { OperationKind } from '../domain/index.js';

/** Every SQL statement about provider operations and their attempts. Tables are in schema `payments`. */

export interface NewOperation {
  readonly operationId: string;
  readonly paymentId: string;
  readonly kind: OperationKind;
  /** Known for every operation on an authorized charge; set for an authorization once prepared. */
  readonly providerReference: string | undefined;
  readonly correlationId: string;
  readonly causationId: string | undefined;
  readonly traceparent: string | undefined;
  readonly actor: Actor | undefined;
  readonly createdAt: Date;
}

/** An operation claimed by a worker; `attempts` counts the calls made so far. */
export interface ClaimedOperation {
  readonly operationId: string;
  readonly paymentId: string;
  readonly kind: OperationKind;
  readonly attempts: number;
  readonly lookups: number;
  readonly inDoubt: boolean;
  readonly providerReference: string | null;
  readonly lastError: string | null;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly traceparent: string | null;
  readonly actorId: string | null;
  readonly actorRole: Actor['role'] | null;
}

export type AttemptOutcome =
  'started' | 'succeeded' | 'refused' | 'unavailable' | 'unknown' | 'not_found' | 'processing';

export interface AttemptRecord {
  readonly operationId: string;
  readonly kind: OperationKind;
  readonly number: number;
  readonly action: 'call' | 'lookup';
  readonly outcome: AttemptOutcome;
  readonly detail: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
}

export interface OperationRecord {
  readonly operationId: string;
  readonly kind: OperationKind;
  readonly status: 'pending' | 'settled';
  readonly attempts: number;
  readonly inDoubt: boolean;
  readonly providerReference: string | null;
  readonly nextAttemptAt: Date;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly settledAt: Date | null;
}

const claimedColumns = `operation_id as "operationId", payment_id as "paymentId", kind, attempts, lookups,
  in_doubt as "inDoubt", provider_reference as "providerReference", last_error as "lastError",
  correlation_id as "correlationId",
  causation_id as "causationId", traceparent, actor_id as "actorId", actor_role as "actorRole"`;

/** Queues an operation; a decision taken twice queues it once (its id derives from the decision). */
export async function insertOperation(sql: Sql, operation: NewOperation): Promise<void> {
  await sql.query(
    `insert into payments.operations
       (operation_id, payment_id, kind, provider_reference, correlation_id, causation_id, traceparent,
        actor_id, actor_role, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (operation_id) do nothing`,
    [
      operation.operationId,
      operation.paymentId,
      operation.kind,
      operation.providerReference ?? null,
      operation.correlationId,
      operation.causationId ?? null,
      operation.traceparent ?? null,
      operation.actor?.id ?? null,
      operation.actor?.role ?? null,
      operation.createdAt,
    ],
  );
}

/**
 * Queued operations, claimed by the workers under a lease, at most one per payment: an operation
 * waits until every earlier one of its payment is settled, so a release never overtakes the
 * authorization it undoes. The worker counts the calls itself (see startCall).
 */
const operationJobs = jobTable<ClaimedOperation>({
  table: 'payments.operations',
  key: 'operation_id',
  order: 'next_attempt_at, seq',
  returning: claimedColumns,
  countsAttempts: false,
  alsoWhen: `not exists (
    select 1 from payments.operations earlier
    where earlier.payment_id = job.payment_id and earlier.status = 'pending' and earlier.seq < job.seq)`,
});

export const claimDue = operationJobs.claimDue;
export const countPending = operationJobs.countPending;
export const untilNextDue = operationJobs.untilNextDue;

/** Keeps other workers off the operation for the next call; a crashed worker's hold runs out soon. */
export async function holdLease(db: Database, operationId: string, leaseMs: number): Promise<void> {
  await db.query(
    `update payments.operations set lease_until = now() + $2 * interval '1 millisecond' where operation_id = $1`,
    [operationId, leaseMs],
  );
}

/**
 * Counts the call and marks the operation in doubt before the provider hears of it: a crash during
 * the call leaves the doubt behind, and the next claim asks the provider before calling again.
 */
export async function startCall(
  db: Database,
  operationId: string,
  now: Date,
  leaseMs: number,
): Promise<number> {
  const [row] = await db.query<{ attempts: number }>(
    `with counted as (
       update payments.operations
       set attempts = attempts + 1, in_doubt = true, lease_until = now() + $2 * interval '1 millisecond'
       where operation_id = $1 returning attempts
     )
     insert into payments.attempts (operation_id, number, action, outcome, started_at)
     select $1, attempts, 'call', 'started', $3 from counted
     returning number as attempts`,
    [operationId, leaseMs, now],
  );
  if (!row) throw new Error(`operation ${operationId} vanished`);
  return row.attempts;
}

/** Records what a call or a lookup came to. */
export async function finishAttempt(
  sql: Sql,
  operationId: string,
  attempt: { number: number; action: 'call' | 'lookup'; outcome: AttemptOutcome; detail: string; at: Date },
): Promise<void> {
  if (attempt.action === 'call') {
    await sql.query(
      `update payments.attempts set outcome = $3, detail = $4, finished_at = $5
       where attempt_id = (select max(attempt_id) from payments.attempts
                           where operation_id = $1 and number = $2 and action = 'call')`,
      [operationId, attempt.number, attempt.outcome, attempt.detail, attempt.at],
    );
    return;
  }
  await sql.query(
    `insert into payments.attempts (operation_id, number, action, outcome, detail, started_at, finished_at)
     values ($1, $2, 'lookup', $3, $4, $5, $5)`,
    [operationId, attempt.number, attempt.outcome, attempt.detail, attempt.at],
  );
  await sql.query(`update payments.operations set lookups = lookups + 1 where operation_id = $1`, [
    operationId,
  ]);
}

/** Sets when the operation is next claimed, whether it is in doubt then, and the last error seen. */
export async function reschedule(
  sql: Sql,
  operationId: string,
  next: { delayMs: number; inDoubt: boolean; error: string },
): Promise<void> {
  await sql.query(
    `update payments.operations
     set next_attempt_at = now() + $2 * interval '1 millisecond', in_doubt = $3, last_error = $4, lease_until = null
     where operation_id = $1 and status = 'pending'`,
    [operationId, next.delayMs, next.inDoubt, next.error],
  );
}

/** The lookup found that the provider never acted: the doubt is lifted and a call may follow. */
export async function clearDoubt(sql: Sql, operationId: string): Promise<void> {
  await sql.query(`update payments.operations set in_doubt = false where operation_id = $1`, [operationId]);
}

/** Records the charge the provider prepared, and holds the lease for the call that confirms it. */
export async function setReference(
  sql: Sql,
  operationId: string,
  reference: string,
  leaseMs: number,
): Promise<void> {
  await sql.query(
    `update payments.operations
     set provider_reference = $2, lease_until = now() + $3 * interval '1 millisecond'
     where operation_id = $1`,
    [operationId, reference, leaseMs],
  );
}

export async function markSettled(sql: Sql, operationId: string, now: Date): Promise<void> {
  await sql.query(
    `update payments.operations
     set status = 'settled', in_doubt = false, lease_until = null, settled_at = $2
     where operation_id = $1 and status = 'pending'`,
    [operationId, now],
  );
}

/** Makes the in-doubt operations on a provider reference due now, so they are reconciled at once. */
export async function reconcileSoon(sql: Sql, reference: string): Promise<number> {
  const rows = await sql.query(
    `update payments.operations set next_attempt_at = now()
     where provider_reference = $1 and status = 'pending' and in_doubt returning 1`,
    [reference],
  );
  return rows.length;
}

export async function operationsOf(sql: Sql, paymentId: string): Promise<OperationRecord[]> {
  return sql.query<OperationRecord>(
    `select operation_id as "operationId", kind, status, attempts, in_doubt as "inDoubt",
       provider_reference as "providerReference", next_attempt_at as "nextAttemptAt", last_error as "lastError",
       created_at as "createdAt", settled_at as "settledAt"
     from payments.operations where payment_id = $1 order by seq`,
    [paymentId],
  );
}

export async function attemptsOf(sql: Sql, paymentId: string): Promise<AttemptRecord[]> {
  return sql.query<AttemptRecord>(
    `select a.operation_id as "operationId", o.kind, a.number, a.action, a.outcome, a.detail,
       a.started_at as "startedAt", a.finished_at as "finishedAt"
     from payments.attempts a join payments.operations o using (operation_id)
     where o.payment_id = $1 order by a.attempt_id`,
    [paymentId],
  );
}

export async function recordWebhookEvent(
  sql: Sql,
  event: { id: string; type: string; reference: string | undefined; receivedAt: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `insert into payments.webhook_events (event_id, type, reference, received_at) values ($1, $2, $3, $4)
     on conflict (event_id) do nothing returning 1`,
    [event.id, event.type, event.reference ?? null, event.receivedAt],
  );
  return rows.length === 1;
}
