import type { Migration } from '../../../platform/db/database.js';

/** The tables of NotificationService, all in schema `notifications`. */
export const notificationMigrations: readonly Migration[] = [
  {
    name: '001_notifications',
    sql: `
      -- Who to write to, as the latest OrderPlaced of the customer told it.
      create table notifications.recipients (
        customer_id uuid primary key,
        name text not null,
        email text not null,
        phone text null,
        updated_at timestamptz not null
      );

      -- What NotificationService remembers of an order, to write specific messages.
      create table notifications.orders (
        order_id uuid primary key,
        customer_id uuid not null,
        items jsonb not null,
        total_amount numeric not null
      );

      create table notifications.notifications (
        notification_id uuid primary key,
        type text not null,
        channel text not null,
        recipient text not null,
        subject text not null,
        content text not null,
        order_id uuid null,
        source_message_id text not null,
        correlation_id text not null,
        status text not null default 'pending' check (status in ('pending', 'sent', 'recorded', 'failed')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        lease_until timestamptz null,
        last_error text null,
        provider_message_id text null,
        created_at timestamptz not null default now(),
        sent_at timestamptz null,
        -- One notification of a kind per message, however often the message arrives.
        unique (source_message_id, type, channel)
      );
      create index notifications_due on notifications.notifications (next_attempt_at, created_at)
        where status = 'pending';
      create index notifications_by_recipient on notifications.notifications (lower(recipient), created_at);
      create index notifications_by_order on notifications.notifications (order_id, created_at)
        where order_id is not null;
    `,
  },
  {
    name: '002_notification_traceparent',
    // The trace of the handler run that created the notification, which its delivery continues.
    sql: `alter table notifications.notifications add column traceparent text null;`,
  },
  {
    name: '003_notification_actor',
    // Who caused the flow that created the notification, which its NotificationSent carries on.
    sql: `alter table notifications.notifications add column actor_id text null, add column actor_role text null;`,
  },
];
