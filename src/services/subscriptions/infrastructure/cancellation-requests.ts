import type { Sql } from '../../../platform/db/database.js';
import type { CancellationRejectionReason } from '../domain/index.js';

/** The first answer to a CancelSubscription request, kept under the request's idempotency key. */
export interface CancellationRequestRecord {
  readonly requestId: string;
  readonly subscriptionId: string;
  readonly userId: string;
  /** A digest of what was asked: a different request under the same key is refused. */
  readonly fingerprint: string;
  readonly outcome: 'accepted' | 'rejected';
  readonly rejectionReason: CancellationRejectionReason | null;
  readonly createdAt: Date;
}

/** Records the request's answer; false when a request with this id was answered before. */
export async function recordCancellationRequest(
  sql: Sql,
  record: CancellationRequestRecord,
): Promise<boolean> {
  const rows = await sql.query(
    `insert into subscriptions.cancellation_requests
       (request_id, subscription_id, user_id, fingerprint, outcome, rejection_reason, created_at)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (request_id) do nothing returning 1`,
    [
      record.requestId,
      record.subscriptionId,
      record.userId,
      record.fingerprint,
      record.outcome,
      record.rejectionReason,
      record.createdAt,
    ],
  );
  return rows.length === 1;
}

export async function findCancellationRequest(
  sql: Sql,
  requestId: string,
): Promise<CancellationRequestRecord | undefined> {
  const [row] = await sql.query<CancellationRequestRecord>(
    `select request_id as "requestId", subscription_id as "subscriptionId", user_id as "userId", fingerprint,
       outcome, rejection_reason as "rejectionReason", created_at as "createdAt"
     from subscriptions.cancellation_requests where request_id = $1`,
    [requestId],
  );
  return row;
}
