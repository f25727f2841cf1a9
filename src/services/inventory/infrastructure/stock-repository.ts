import type { Sql } from '../../../platform/db/database.js';
import type { OrderAllocation, StockLevel } from '../domain/index.js';

export type MovementReason =
  | 'restock'
  | 'manual_update'
  | 'order_reserved'
  | 'order_released'
  | 'order_fulfilled'
  | 'order_restocked'
  | 'order_amended';

/** One line of the stock ledger. */
export interface Movement {
  readonly productId: string;
  readonly warehouseId: string;
  readonly onHandDelta: number;
  readonly reservedDelta: number;
  readonly reason: MovementReason;
  readonly orderId: string | null;
  readonly messageId: string | null;
  readonly at: Date;
}

/** Another transaction created the row this one meant to create: retrying sees it. */
export class ConcurrentChange extends Error {
  override readonly name = 'ConcurrentChange';
}

const levelColumns = `product_id as "productId", warehouse_id as "warehouseId", on_hand as "onHand", reserved`;

/**
 * Locks every stock level of the products until the transaction ends, always in
 * (product_id, warehouse_id) order, so that transactions locking overlapping products cannot deadlock.
 */
export async function lockStockOf(sql: Sql, productIds: readonly string[]): Promise<StockLevel[]> {
  if (productIds.length === 0) return [];
  return sql.query<StockLevel>(
    `select ${levelColumns} from inventory.stock
     where product_id = any ($1::uuid[])
     order by product_id, warehouse_id
     for update`,
    [[...new Set(productIds)]],
  );
}

/** The stock levels of a product, without locking them (for queries). */
export async function readStockOf(sql: Sql, productId: string): Promise<StockLevel[]> {
  return sql.query<StockLevel>(
    `select ${levelColumns} from inventory.stock where product_id = $1 order by warehouse_id`,
    [productId],
  );
}

/**
 * Creates an empty level unless it exists. Call it before locking: a level written with absolute
 * values must have been locked or created by the same transaction, or a concurrent writer's
 * change would be lost.
 */
export async function ensureStockLevel(
  sql: Sql,
  productId: string,
  warehouseId: string,
  now: Date,
): Promise<void> {
  await sql.query(
    `insert into inventory.stock (product_id, warehouse_id, on_hand, reserved, updated_at)
     values ($1, $2, 0, 0, $3) on conflict (product_id, warehouse_id) do nothing`,
    [productId, warehouseId, now.toISOString()],
  );
}

/** Writes the levels, which this transaction has locked. */
export async function updateStockLevels(sql: Sql, levels: readonly StockLevel[], now: Date): Promise<void> {
  if (levels.length === 0) return;
  const updated = await sql.query(
    `update inventory.stock s
     set on_hand = l.on_hand, reserved = l.reserved, updated_at = $5
     from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[]) as l (product_id, warehouse_id, on_hand, reserved)
     where s.product_id = l.product_id and s.warehouse_id = l.warehouse_id
     returning 1`,
    [
      levels.map((level) => level.productId),
      levels.map((level) => level.warehouseId),
      levels.map((level) => level.onHand),
      levels.map((level) => level.reserved),
      now.toISOString(),
    ],
  );
  if (updated.length !== levels.length) {
    throw new Error(`Expected to update ${levels.length} stock levels, updated ${updated.length}`);
  }
}

/** The order's allocation, locked until the transaction ends; undefined when there is none yet. */
export async function lockOrderAllocation(sql: Sql, orderId: string): Promise<OrderAllocation | undefined> {
  const [row] = await sql.query<OrderAllocation>(
    `select order_id as "orderId", reservation_id as "reservationId", state, allocations
     from inventory.order_allocations where order_id = $1
     for update`,
    [orderId],
  );
  return row;
}

/**
 * Creates the order's allocation row. Throws ConcurrentChange when another transaction created it
 * since this one looked: never overwrite what it decided (a tombstone, say).
 */
export async function insertOrderAllocation(sql: Sql, allocation: OrderAllocation, now: Date): Promise<void> {
  const inserted = await sql.query(
    `insert into inventory.order_allocations (order_id, reservation_id, state, allocations, updated_at)
     values ($1, $2, $3, $4::jsonb, $5)
     on conflict (order_id) do nothing
     returning 1`,
    [
      allocation.orderId,
      allocation.reservationId,
      allocation.state,
      JSON.stringify(allocation.allocations),
      now.toISOString(),
    ],
  );
  if (inserted.length === 0) {
    throw new ConcurrentChange(`The allocation of order ${allocation.orderId} was created concurrently`);
  }
}

/** Rewrites the order's allocation row, which this transaction has locked. */
export async function updateOrderAllocation(sql: Sql, allocation: OrderAllocation, now: Date): Promise<void> {
  await sql.query(
    `update inventory.order_allocations
     set reservation_id = $2, state = $3, allocations = $4::jsonb, updated_at = $5
     where order_id = $1`,
    [
      allocation.orderId,
      allocation.reservationId,
      allocation.state,
      JSON.stringify(allocation.allocations),
      now.toISOString(),
    ],
  );
}

export async function appendMovements(sql: Sql, movements: readonly Movement[]): Promise<void> {
  if (movements.length === 0) return;
  await sql.query(
    `insert into inventory.movements
       (product_id, warehouse_id, on_hand_delta, reserved_delta, reason, order_id, message_id, at)
     select * from unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::text[], $6::uuid[], $7::text[], $8::timestamptz[])`,
    [
      movements.map((movement) => movement.productId),
      movements.map((movement) => movement.warehouseId),
      movements.map((movement) => movement.onHandDelta),
      movements.map((movement) => movement.reservedDelta),
      movements.map((movement) => movement.reason),
      movements.map((movement) => movement.orderId),
      movements.map((movement) => movement.messageId),
      movements.map((movement) => movement.at.toISOString()),
    ],
  );
}

/** Creates the row when `existing` is undefined (the lock found none), rewrites it otherwise. */
export async function saveOrderAllocation(
  sql: Sql,
  allocation: OrderAllocation,
  existing: OrderAllocation | undefined,
  now: Date,
): Promise<void> {
  if (existing === undefined) await insertOrderAllocation(sql, allocation, now);
  else await updateOrderAllocation(sql, allocation, now);
}

/** The stock levels of up to `limit` products, by product id, after the product `after`. */
export async function readStockPage(
  sql: Sql,
  page: { readonly after?: string; readonly limit: number },
): Promise<StockLevel[]> {
  return sql.query<StockLevel>(
    `select ${levelColumns} from inventory.stock
     where product_id in (
       select distinct product_id from inventory.stock
       where ($1::uuid is null or product_id > $1) order by product_id limit $2)
     order by product_id, warehouse_id`,
    [page.after ?? null, page.limit],
  );
}
