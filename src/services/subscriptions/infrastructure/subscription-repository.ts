import type { Sql } from '../../../platform/db/database.js';
import type { Subscription } from '../domain/index.js';

export interface StoredSubscription {
  readonly subscription: Subscription;
  readonly correlationId: string;
  readonly requestFingerprint: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface SubscriptionRow {
  state: Subscription;
  correlation_id: string;
  request_fingerprint: string;
  created_at: Date;
  updated_at: Date;
}

const columns = 'state, correlation_id, request_fingerprint, created_at, updated_at';

const toStored = (row: SubscriptionRow): StoredSubscription => ({
  subscription: row.state,
  correlationId: row.correlation_id,
  requestFingerprint: row.request_fingerprint,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const providerIdOf = (subscription: Subscription): string | null =>
  'provider' in subscription ? subscription.provider.subscriptionId : null;

/** Inserts a new subscription; false when one with that id exists already (the caller then compares). */
export async function insertSubscription(
  sql: Sql,
  stored: { subscription: Subscription; correlationId: string; requestFingerprint: string; createdAt: Date },
): Promise<boolean> {
  const { subscription } = stored;
  const rows = await sql.query(
    `insert into subscriptions.subscriptions
       (subscription_id, user_id, status, provider_subscription_id, correlation_id, request_fingerprint, state,
        created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $8)
     on conflict (subscription_id) do nothing returning 1`,
    [
      subscription.subscriptionId,
      subscription.userId,
      subscription.status,
      providerIdOf(subscription),
      stored.correlationId,
      stored.requestFingerprint,
      JSON.stringify(subscription),
      stored.createdAt,
    ],
  );
  return rows.length === 1;
}

export async function lockSubscription(
  sql: Sql,
  subscriptionId: string,
): Promise<StoredSubscription | undefined> {
  const [row] = await sql.query<SubscriptionRow>(
    `select ${columns} from subscriptions.subscriptions where subscription_id = $1 for update`,
    [subscriptionId],
  );
  return row && toStored(row);
}

export async function findSubscription(
  sql: Sql,
  subscriptionId: string,
): Promise<StoredSubscription | undefined> {
  const [row] = await sql.query<SubscriptionRow>(
    `select ${columns} from subscriptions.subscriptions where subscription_id = $1`,
    [subscriptionId],
  );
  return row && toStored(row);
}

export async function findByProviderSubscription(
  sql: Sql,
  providerSubscriptionId: string,
): Promise<StoredSubscription | undefined> {
  const [row] = await sql.query<SubscriptionRow>(
    `select ${columns} from subscriptions.subscriptions where provider_subscription_id = $1`,
    [providerSubscriptionId],
  );
  return row && toStored(row);
}

export async function saveSubscription(sql: Sql, subscription: Subscription, now: Date): Promise<void> {
  await sql.query(
    `update subscriptions.subscriptions
     set status = $2, provider_subscription_id = $3, state = $4::jsonb, updated_at = $5
     where subscription_id = $1`,
    [
      subscription.subscriptionId,
      subscription.status,
      providerIdOf(subscription),
      JSON.stringify(subscription),
      now,
    ],
  );
}

/** A user's subscriptions, newest first. */
export async function listSubscriptionsOf(
  sql: Sql,
  userId: string,
  limit: number,
): Promise<StoredSubscription[]> {
  const rows = await sql.query<SubscriptionRow>(
    `select ${columns} from subscriptions.subscriptions
     where user_id = $1
     order by created_at desc, subscription_id desc
     limit $2`,
    [userId, limit],
  );
  return rows.map(toStored);
}
