import type { Migration } from '../../../platform/db/database.js';

export const migrations: readonly Migration[] = [
  {
    name: '001_orders',
    sql: `
      create table orders.orders (
        order_id uuid primary key,
        customer_id uuid not null,
        status text not null,
        correlation_id text not null,
        request_fingerprint text not null,
        state jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index orders_by_status on orders.orders (status, created_at desc, order_id desc);
      create index orders_by_customer on orders.orders (customer_id, created_at desc, order_id desc);
      create index orders_by_created on orders.orders (created_at desc, order_id desc);
      create index orders_by_correlation on orders.orders (correlation_id);

      create table orders.timeline (
        correlation_id text not null,
        message_id text not null,
        type text not null,
        version text not null,
        source text not null,
        subject text not null,
        time timestamptz not null,
        causation_id text,
        seq bigserial not null,
        primary key (correlation_id, message_id)
      );
    `,
  },
  {
    name: '002_timeline_actor',
    sql: `alter table orders.timeline add column actor_id text, add column actor_role text;`,
  },
];
