import type { Sql } from '../../../platform/db/database.js';
import { inProgressStatuses, type Order, type OrderStatus } from '../domain/index.js';

export interface StoredOrder {
  readonly order: Order;
  readonly correlationId: string;
  readonly requestFingerprint: string;
  readonly createdAt: Date;
}

interface OrderRow {
  state: Order;
  correlation_id: string;
  request_fingerprint: string;
  created_at: Date;
}

const toStored = (row: OrderRow): StoredOrder => ({
  order: row.state,
  correlationId: row.correlation_id,
  requestFingerprint: row.request_fingerprint,
  createdAt: row.created_at,
});

/**
 * Inserts new orders in one statement, skipping ids stored already (the caller then compares).
 * Returns the ids inserted.
 */
export async function insertOrders(sql: Sql, orders: readonly StoredOrder[]): Promise<Set<string>> {
  if (orders.length === 0) return new Set();
  const rows = await sql.query<{ orderId: string }>(
    `insert into orders.orders (order_id, customer_id, status, correlation_id, request_fingerprint, state, created_at, updated_at)
     select n.order_id, n.customer_id, n.status, n.correlation_id, n.request_fingerprint, n.state::jsonb, n.created_at, n.created_at
     from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
       as n (order_id, customer_id, status, correlation_id, request_fingerprint, state, created_at)
     order by n.order_id
     on conflict (order_id) do nothing returning order_id::text as "orderId"`,
    [
      orders.map((stored) => stored.order.orderId),
      orders.map((stored) => stored.order.customer.customerId),
      orders.map((stored) => stored.order.status),
      orders.map((stored) => stored.correlationId),
      orders.map((stored) => stored.requestFingerprint),
      orders.map((stored) => JSON.stringify(stored.order)),
      orders.map((stored) => stored.createdAt),
    ],
  );
  return new Set(rows.map((row) => row.orderId));
}

export async function findOrder(sql: Sql, orderId: string): Promise<StoredOrder | undefined> {
  const [row] = await sql.query<OrderRow>(
    `select state, correlation_id, request_fingerprint, created_at from orders.orders where order_id = $1`,
    [orderId],
  );
  return row && toStored(row);
}

/**
 * Locks the orders with these ids, in key order, so that batches locking overlapping orders cannot
 * deadlock; keyed by order id.
 */
export async function lockOrders(sql: Sql, orderIds: readonly string[]): Promise<Map<string, StoredOrder>> {
  const rows = await sql.query<OrderRow & { asked: string }>(
    `select r.asked, o.state, o.correlation_id, o.request_fingerprint, o.created_at
     from unnest($1::text[]) as r (asked)
     join orders.orders o on o.order_id = r.asked::uuid
     order by o.order_id for update of o`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map((row) => [row.asked, toStored(row)]));
}

export async function saveOrders(sql: Sql, orders: readonly Order[], now: Date): Promise<void> {
  if (orders.length === 0) return;
  await sql.query(
    `update orders.orders o set status = c.status, state = c.state::jsonb, updated_at = $4
     from unnest($1::uuid[], $2::text[], $3::text[]) as c (order_id, status, state)
     where o.order_id = c.order_id`,
    [
      orders.map((order) => order.orderId),
      orders.map((order) => order.status),
      orders.map((order) => JSON.stringify(order)),
      now,
    ],
  );
}

export interface OrderPageQuery {
  readonly status?: OrderStatus;
  readonly customerId?: string;
  readonly limit: number;
  /** Continue after this (created_at, order_id) position. */
  readonly after?: { readonly createdAt: Date; readonly orderId: string };
}

export async function listOrders(sql: Sql, query: OrderPageQuery): Promise<StoredOrder[]> {
  const rows = await sql.query<OrderRow>(
    `select state, correlation_id, request_fingerprint, created_at from orders.orders
     where ($1::text is null or status = $1)
       and ($2::uuid is null or customer_id = $2)
       and ($3::timestamptz is null or (created_at, order_id) < ($3, $4::uuid))
     order by created_at desc, order_id desc
     limit $5`,
    [
      query.status ?? null,
      query.customerId ?? null,
      query.after?.createdAt ?? null,
      query.after?.orderId ?? null,
      query.limit,
    ],
  );
  return rows.map(toStored);
}

/** How many orders are in each status; a status no order is in is left out. */
export async function countOrdersByStatus(sql: Sql): Promise<Map<OrderStatus, number>> {
  const rows = await sql.query<{ status: OrderStatus; count: number }>(
    'select status, count(*)::int as count from orders.orders group by status',
  );
  return new Map(rows.map((row) => [row.status, row.count]));
}

/** Orders on their way (placed, and not yet completed, rejected or cancelled), counted up to `upTo`. */
export async function countOrdersInProgress(sql: Sql, upTo: number): Promise<number> {
  const [row] = await sql.query<{ count: number }>(
    `select count(*)::int as count from (
       select 1 from orders.orders where status = any ($1::text[]) limit $2
     ) as in_progress`,
    [inProgressStatuses, upTo],
  );
  return row?.count ?? 0;
}
