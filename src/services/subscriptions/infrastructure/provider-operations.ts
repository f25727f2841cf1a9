import type { Sql } from '../../../platform/db/database.js';
import type { MessageOrigin } from '../../../platform/messaging/unit-of-work.js';
import type { ProviderOperation } from '../application/provider.js';

/** An operation claimed by a worker: `attempts` already counts the attempt about to be made. */
export type ClaimedOperation = ProviderOperation & {
  readonly operationId: string;
  readonly subscriptionId: string;
  readonly attempts: number;
  readonly correlationId: string;
  readonly causationId: string | null;
};

/** Stores a call to make, in the transaction of the state change that needs it. */
export async function scheduleOperation(
  sql: Sql,
  operation: ProviderOperation & {
    operationId: string;
    subscriptionId: string;
    origin: MessageOrigin;
    createdAt: Date;
  },
): Promise<void> {
  await sql.query(
    `insert into subscriptions.provider_operations
       (operation_id, subscription_id, kind, request, correlation_id, causation_id, created_at, next_attempt_at)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7, now())`,
    [
      operation.operationId,
      operation.subscriptionId,
      operation.kind,
      JSON.stringify(operation.request),
      operation.origin.correlationId,
      operation.origin.causationId ?? null,
      operation.createdAt,
    ],
  );
}

/**
 * Claims up to `limit` due operations in one short statement: a lease keeps other workers off
 * them while the provider is called, and the attempt is counted before it is made.
 */
export async function claimDueOperations(
  sql: Sql,
  limit: number,
  leaseMs: number,
): Promise<ClaimedOperation[]> {
  return sql.query<ClaimedOperation>(
    `update subscriptions.provider_operations
     set lease_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1
     where operation_id in (
       select operation_id from subscriptions.provider_operations
       where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
       order by created_at, operation_id
       limit $1
       for update skip locked
     )
     returning operation_id as "operationId", subscription_id as "subscriptionId", kind, request, attempts,
       correlation_id as "correlationId", causation_id as "causationId"`,
    [limit, leaseMs],
  );
}

export async function countPendingOperations(sql: Sql): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `select count(*)::int as count from subscriptions.provider_operations where status = 'pending'`,
  );
  return row?.count ?? 0;
}

/** Ends an operation; false when it is no longer pending (another worker recorded its answer). */
export async function finishOperation(
  sql: Sql,
  operationId: string,
  outcome: { status: 'done' | 'failed'; error?: string; at: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `update subscriptions.provider_operations
     set status = $2, last_error = coalesce($3, last_error), finished_at = $4, lease_until = null
     where operation_id = $1 and status = 'pending'
     returning 1`,
    [operationId, outcome.status, outcome.error ?? null, outcome.at],
  );
  return rows.length === 1;
}

export async function scheduleOperationRetry(
  sql: Sql,
  operationId: string,
  retry: { delayMs: number; error: string },
): Promise<void> {
  await sql.query(
    `update subscriptions.provider_operations
     set next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3, lease_until = null
     where operation_id = $1 and status = 'pending'`,
    [operationId, retry.delayMs, retry.error],
  );
}
