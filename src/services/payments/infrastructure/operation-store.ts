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

/**
 * Queues operations in one statement, in the order given (which is the order they are claimed in,
 * per payment); a decision taken twice queues its operation once (its id derives from the decision).
 */
export async function insertOperations(sql: Sql, operations: readonly NewOperation[]): Promise<void> {
  if (operations.length === 0) return;
  const column = <T>(value: (operation: NewOperation) => T) => operations.map(value);
  await sql.query(
    `insert into payments.operations
       (operation_id, payment_id, kind, provider_reference, correlation_id, causation_id, traceparent,
        actor_id, actor_role, created_at)
     select o.operation_id, o.payment_id, o.kind, o.provider_reference, o.correlation_id, o.causation_id,
       o.traceparent, o.actor_id, o.actor_role, o.created_at
     from unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                 $8::text[], $9::text[], $10::timestamptz[]) with ordinality
       as o (operation_id, payment_id, kind, provider_reference, correlation_id, causation_id, traceparent,
             actor_id, actor_role, created_at, position)
     order by o.position
     on conflict (operation_id) do nothing`,
    [
      column((operation) => operation.operationId),
      column((operation) => operation.paymentId),
      column((operation) => operation.kind),
      column((operation) => operation.providerReference ?? null),
      column((operation) => operation.correlationId),
      column((operation) => operation.causationId ?? null),
      column((operation) => operation.traceparent ?? null),
      column((operation) => operation.actor?.id ?? null),
      column((operation) => operation.actor?.role ?? null),
      column((operation) => operation.createdAt),
    ],
  );
}

/**
 * Queued operations, claimed by the workers under a lease, at most one per payment: an operation
 * waits until every earlier one of its payment is settled, so a release never overtakes the
 * authorization it undoes. The worker counts the calls itself (see startCalls).
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
 * Counts the calls and marks the operations in doubt before the provider hears of them, in one
 * statement: a crash during a call leaves the doubt behind, and the next claim asks the provider
 * before calling again. Returns each call's number, in the order of `operationIds` (undefined for an
 * operation that is not there).
 */
export async function startCalls(
  sql: Sql,
  operationIds: readonly string[],
  now: Date,
  leaseMs: number,
): Promise<(number | undefined)[]> {
  const rows = await sql.query<{ operationId: string; attempts: number }>(
    `with counted as (
       update payments.operations
       set attempts = attempts + 1, in_doubt = true, lease_until = now() + $2 * interval '1 millisecond'
       where operation_id = any ($1::text[]) returning operation_id, attempts
     )
     insert into payments.attempts (operation_id, number, action, outcome, started_at)
     select operation_id, attempts, 'call', 'started', $3 from counted
     returning operation_id as "operationId", number as attempts`,
    [operationIds, leaseMs, now],
  );
  const numbers = new Map(rows.map((row) => [row.operationId, row.attempts]));
  return operationIds.map((operationId) => numbers.get(operationId));
}

/** What a call or a lookup came to. */
export interface AttemptResult {
  readonly number: number;
  readonly action: 'call' | 'lookup';
  readonly outcome: AttemptOutcome;
  readonly detail: string;
}

/** A call or a lookup that has come to an outcome, at `at`. */
export interface FinishedAttempt extends AttemptResult {
  readonly at: Date;
}

/** What becomes of an operation after an attempt. */
export type OperationNext =
  /** Done: it is not claimed again. */
  | { readonly kind: 'settled'; readonly at: Date }
  /** Claimed again after `delayMs`, in doubt or not, with the error seen. */
  | { readonly kind: 'retry'; readonly delayMs: number; readonly inDoubt: boolean; readonly error: string }
  /** A lookup found the provider never acted: the doubt is lifted and a call follows in this turn. */
  | { readonly kind: 'doubt_cleared' };

/** The end of an operation's turn: the attempt it came to, if any, and what becomes of the operation. */
export interface FinishedTurn {
  readonly operationId: string;
  readonly attempt: FinishedAttempt | undefined;
  readonly next: OperationNext;
}

/**
 * Records what the turns' calls and lookups came to (a call's row was written when it started, a
 * lookup's is written now) and what becomes of each operation, in one statement for them all. An
 * operation settled meanwhile (its lease ran out and another worker settled it) stays as it is.
 */
export async function finishTurns(sql: Sql, turns: readonly FinishedTurn[]): Promise<void> {
  if (turns.length === 0) return;
  const column = <T>(value: (turn: FinishedTurn) => T) => turns.map(value);
  const retry = (turn: FinishedTurn) => (turn.next.kind === 'retry' ? turn.next : undefined);
  await sql.query(
    `with finished as (
       select * from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                            $7::text[], $8::timestamptz[], $9::int[], $10::boolean[], $11::text[])
         as f (operation_id, number, action, outcome, detail, at, next, settled_at, delay_ms, in_doubt, error)
     ), called as (
       update payments.attempts a set outcome = f.outcome, detail = f.detail, finished_at = f.at
       from finished f
       where f.action = 'call'
         and a.attempt_id = (select max(attempt_id) from payments.attempts
                             where operation_id = f.operation_id and number = f.number and action = 'call')
     ), looked_up as (
       insert into payments.attempts (operation_id, number, action, outcome, detail, started_at, finished_at)
       select operation_id, number, 'lookup', outcome, detail, at, at from finished where action = 'lookup'
     )
     update payments.operations o
     set lookups = o.lookups + case when f.action = 'lookup' then 1 else 0 end,
         status = case when f.next = 'settled' then 'settled' else o.status end,
         settled_at = case when f.next = 'settled' then f.settled_at else o.settled_at end,
         in_doubt = f.next = 'retry' and f.in_doubt,
         lease_until = case when f.next = 'doubt_cleared' then o.lease_until end,
         next_attempt_at = case when f.next = 'retry' then now() + f.delay_ms * interval '1 millisecond'
                           else o.next_attempt_at end,
         last_error = case when f.next = 'retry' then f.error else o.last_error end
     from finished f
     where o.operation_id = f.operation_id and o.status = 'pending'`,
    [
      column((turn) => turn.operationId),
      column((turn) => turn.attempt?.number ?? null),
      column((turn) => turn.attempt?.action ?? null),
      column((turn) => turn.attempt?.outcome ?? null),
      column((turn) => turn.attempt?.detail ?? null),
      column((turn) => turn.attempt?.at ?? null),
      column((turn) => turn.next.kind),
      column((turn) => (turn.next.kind === 'settled' ? turn.next.at : null)),
      column((turn) => retry(turn)?.delayMs ?? null),
      column((turn) => retry(turn)?.inDoubt ?? null),
      column((turn) => retry(turn)?.error ?? null),
    ],
  );
}

/** A charge the provider prepared for an authorization. */
export interface PreparedReference {
  readonly operationId: string;
  readonly reference: string;
}

/** Records the charges the provider prepared, and holds the leases for the calls that confirm them. */
export async function setReferences(
  sql: Sql,
  prepared: readonly PreparedReference[],
  leaseMs: number,
): Promise<void> {
  await sql.query(
    `update payments.operations o
     set provider_reference = p.reference, lease_until = now() + $3 * interval '1 millisecond'
     from unnest($1::text[], $2::text[]) as p (operation_id, reference)
     where o.operation_id = p.operation_id`,
    [prepared.map((each) => each.operationId), prepared.map((each) => each.reference), leaseMs],
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
