import type { Migration } from '../../../platform/db/database.js';

/**
 * The tables of the inventory schema. Every name is schema-qualified: in the embedded runtime
 * several services share one database.
 */
export const inventoryMigrations: readonly Migration[] = [
  {
    name: '001_inventory',
    sql: `
      -- The database itself makes overselling impossible: no level can hold more than is on hand.
      create table inventory.stock (
        product_id uuid not null,
        warehouse_id uuid not null,
        on_hand integer not null,
        reserved integer not null default 0,
        updated_at timestamptz not null default now(),
        primary key (product_id, warehouse_id),
        constraint stock_on_hand_not_negative check (on_hand >= 0),
        constraint stock_reserved_not_negative check (reserved >= 0),
        constraint stock_reserved_within_on_hand check (reserved <= on_hand)
      );

      -- One row per order. 'cancelled' is a tombstone: the cancellation arrived before any
      -- reservation, so a reservation arriving later is refused.
      create table inventory.order_allocations (
        order_id uuid primary key,
        reservation_id uuid,
        state text not null
          check (state in ('reserved', 'deducted', 'released', 'restocked', 'refused', 'cancelled')),
        allocations jsonb not null default '[]',
        updated_at timestamptz not null default now(),
        constraint order_allocations_reserved_has_reservation
          check (state not in ('reserved', 'deducted') or reservation_id is not null)
      );

      -- Every change of a stock level: per level, the deltas sum to the current on hand and reserved.
      create table inventory.movements (
        id bigserial primary key,
        product_id uuid not null,
        warehouse_id uuid not null,
        on_hand_delta integer not null,
        reserved_delta integer not null,
        reason text not null,
        order_id uuid null,
        message_id text null,
        at timestamptz not null default now(),
        constraint movements_change_something check (on_hand_delta <> 0 or reserved_delta <> 0)
      );
      create index movements_by_level on inventory.movements (product_id, warehouse_id, id);
      create index movements_by_order on inventory.movements (order_id) where order_id is not null;
    `,
  },
];
