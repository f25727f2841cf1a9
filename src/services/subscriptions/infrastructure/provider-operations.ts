import type { Sql } from '../../../platform/db/database.js';
import { jobTable } from '../../../platform/jobs/job-table.js';
import type { Actor, MessageOrigin } from '../../../platform/messaging/unit-of-work.js';
import type { ProviderOperation } from '../application/provider.js';

/** An operation claimed by a worker: `attempts` already counts the attempt about to be made. */
export type ClaimedOperation = ProviderOperation & {
  readonly operationId: string;
  readonly subscriptionId: string;
  readonly attempts: number;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actorId: string | null;
  readonly actorRole: Actor['role'] | null;
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
       (operation_id, subscription_id, kind, request, correlation_id, causation_id, actor_id, actor_role,
        created_at, next_attempt_at)
     values ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, now())`,
    [
      operation.operationId,
      operation.subscriptionId,
      operation.kind,
      JSON.stringify(operation.request),
      operation.origin.correlationId,
      operation.origin.causationId ?? null,
      operation.origin.actor?.id ?? null,
      operation.origin.actor?.role ?? null,
      operation.createdAt,
    ],
  );
}

/** Scheduled provider calls, claimed by the workers under a lease; a claim counts the attempt. */
const operationJobs = jobTable<ClaimedOperation>({
  table: 'subscriptions.provider_operations',
  key: 'operation_id',
  order: 'created_at, operation_id',
  returning: `operation_id as "operationId", subscription_id as "subscriptionId", kind, request, attempts,
    correlation_id as "correlationId", causation_id as "causationId", actor_id as "actorId",
    actor_role as "actorRole"`,
  countsAttempts: true,
});

export const claimDueOperations = operationJobs.claimDue;
export const countPendingOperations = operationJobs.countPending;
export const untilNextOperationDue = operationJobs.untilNextDue;
export const scheduleOperationRetry = operationJobs.retryLater;

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
