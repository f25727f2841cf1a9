import type { Migration } from '../../../platform/db/database.js';

/** The tables of PaymentService, all in schema `payments`. */
export const paymentMigrations: readonly Migration[] = [
  {
    name: '001_payments',
    sql: `
      create table payments.payments (
        payment_id uuid primary key,
        -- One payment per order: a repeated request finds the first.
        order_id uuid not null unique,
        user_id uuid not null,
        status text not null,
        correlation_id text not null,
        state jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );

      -- Calls the provider has to be asked to make, run one at a time per payment, oldest first.
      create table payments.operations (
        operation_id text primary key,
        payment_id uuid not null references payments.payments (payment_id),
        seq bigserial not null,
        kind text not null check (kind in ('authorize', 'capture', 'release', 'refund')),
        status text not null default 'pending' check (status in ('pending', 'settled')),
        attempts integer not null default 0,
        lookups integer not null default 0,
        -- A call was made and its answer never arrived: the provider is asked before any new call.
        in_doubt boolean not null default false,
        provider_reference text null,
        next_attempt_at timestamptz not null default now(),
        lease_until timestamptz null,
        last_error text null,
        correlation_id text not null,
        causation_id text null,
        created_at timestamptz not null,
        settled_at timestamptz null
      );
      create index operations_due on payments.operations (next_attempt_at, seq) where status = 'pending';
      create index operations_of_payment on payments.operations (payment_id, seq);
      create index operations_by_reference on payments.operations (provider_reference) where status = 'pending';

      -- Every call to the provider and every question about one, with what came of it.
      create table payments.attempts (
        attempt_id bigserial primary key,
        operation_id text not null references payments.operations (operation_id),
        number integer not null,
        action text not null check (action in ('call', 'lookup')),
        outcome text not null,
        detail text null,
        started_at timestamptz not null,
        finished_at timestamptz null
      );
      create index attempts_of_operation on payments.attempts (operation_id, attempt_id);

      -- Orders cancelled, so that a payment requested for one afterwards is never taken.
      create table payments.cancelled_orders (
        order_id uuid primary key,
        reason text null,
        cancelled_at timestamptz not null
      );

      create table payments.webhook_events (
        event_id text primary key,
        type text not null,
        reference text null,
        received_at timestamptz not null
      );

      -- The sandbox provider's own books, as a real provider keeps them on its side.
      create table payments.sandbox_charges (
        reference text primary key,
        prepare_key text not null unique,
        amount bigint not null,
        currency text not null,
        capture_at_once boolean not null,
        token text null,
        status text not null,
        decline_code text null,
        confirm_calls integer not null default 0,
        captured bigint not null default 0,
        -- The idempotency keys of the capture and the release: repeating one replays its answer.
        capture_key text null,
        release_key text null
      );
      create table payments.sandbox_refunds (
        idempotency_key text primary key,
        refund_reference text not null unique,
        reference text not null references payments.sandbox_charges (reference),
        amount bigint not null
      );
    `,
  },
  {
    name: '002_operation_traceparent',
    // The trace of the handler run that queued the operation, which the worker's calls continue.
    sql: `alter table payments.operations add column traceparent text null;`,
  },
  {
    name: '003_operation_actor',
    // Who caused the flow that queued the operation, which the worker's messages carry on.
    sql: `alter table payments.operations add column actor_id text null, add column actor_role text null;`,
  },
  {
    name: '004_sandbox_captures',
    // The sandbox's ledger of captures, one row per capture it carried out, as refunds have theirs.
    sql: `
      create table payments.sandbox_captures (
        idempotency_key text primary key,
        reference text not null references payments.sandbox_charges (reference),
        amount bigint not null
      );
    `,
  },
];
