import type { Migration } from '../../../platform/db/database.js';

/** The tables of SubscriptionService, all in schema `subscriptions`. */
export const subscriptionMigrations: readonly Migration[] = [
  {
    name: '001_subscriptions',
    sql: `
      create table subscriptions.subscriptions (
        subscription_id uuid primary key,
        user_id uuid not null,
        status text not null,
        -- Set once the provider confirmed the start; how webhooks find the subscription.
        provider_subscription_id text null unique,
        correlation_id text not null,
        request_fingerprint text not null,
        state jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index subscriptions_by_user on subscriptions.subscriptions (user_id, created_at desc, subscription_id desc);

      -- Every CancelSubscription request, keyed by its idempotency key: a repeat gets the first answer.
      create table subscriptions.cancellation_requests (
        request_id text primary key,
        subscription_id uuid not null,
        user_id uuid not null,
        fingerprint text not null,
        outcome text not null check (outcome in ('accepted', 'rejected')),
        rejection_reason text null,
        created_at timestamptz not null
      );

      -- Calls to the provider, made outside any transaction by the provider worker. The operation id
      -- is the provider's idempotency key, so a retry can never start or cancel twice.
      create table subscriptions.provider_operations (
        operation_id uuid primary key,
        subscription_id uuid not null,
        kind text not null check (kind in ('start', 'cancel')),
        request jsonb not null,
        status text not null default 'pending' check (status in ('pending', 'done', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        lease_until timestamptz null,
        last_error text null,
        correlation_id text not null,
        causation_id text null,
        created_at timestamptz not null,
        finished_at timestamptz null
      );
      create index provider_operations_due on subscriptions.provider_operations (next_attempt_at, created_at)
        where status = 'pending';

      -- Webhook events already applied, so a delivery the provider repeats changes nothing.
      create table subscriptions.provider_events (
        event_id text primary key,
        kind text not null,
        received_at timestamptz not null
      );
    `,
  },
  {
    name: '002_operation_actor',
    // Who caused the request that queued the call, which the worker's messages carry on.
    sql: `alter table subscriptions.provider_operations add column actor_id text null, add column actor_role text null;`,
  },
];
