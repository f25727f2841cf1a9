import { Type } from 'typebox';
import { violationsOf } from '../../../../contracts/index.js';
import { countDepartingFlows, timelineOf, type TimelineEntry } from '../../../flows/index.js';
import type { Sql } from '../../../platform/db/database.js';
import { AppError } from '../../../platform/kernel/errors.js';
import type { OrderStatus } from '../domain/index.js';
import {
  countOrdersByStatus,
  findOrder,
  listOrders,
  type StoredOrder,
} from '../infrastructure/order-repository.js';

/** With `ownedBy`, another customer's order is not found, exactly as one that does not exist. */
export async function getOrder(
  sql: Sql,
  orderId: string,
  ownedBy?: string,
): Promise<StoredOrder & { timeline: TimelineEntry[] }> {
  const stored = await findOrder(sql, orderId);
  if (!stored || (ownedBy !== undefined && stored.order.customer.customerId !== ownedBy))
    throw new AppError('not_found', 'ORDERS.NOT_FOUND', `No order ${orderId}`);
  return { ...stored, timeline: await timelineOf(sql, stored.correlationId) };
}

export interface OrderStatistics {
  readonly byStatus: Map<OrderStatus, number>;
  readonly total: number;
  /** Orders (by correlation id) whose observed path departs from their documented flows. */
  readonly departingFlows: number;
}

/** The figures an operator watches: orders per status and flow departures. */
export async function orderStatistics(sql: Sql): Promise<OrderStatistics> {
  const [byStatus, departingFlows] = await Promise.all([countOrdersByStatus(sql), countDepartingFlows(sql)]);
  const total = [...byStatus.values()].reduce((sum, count) => sum + count, 0);
  return { byStatus, total, departingFlows };
}

export interface OrderPage {
  readonly orders: StoredOrder[];
  readonly nextCursor: string | null;
}

/** Newest first; the cursor is opaque to clients (it encodes the last row's position). */
export async function findOrders(
  sql: Sql,
  query: { status?: OrderStatus; customerId?: string; limit: number; cursor?: string },
): Promise<OrderPage> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const rows = await listOrders(sql, {
    ...(query.status ? { status: query.status } : {}),
    ...(query.customerId ? { customerId: query.customerId } : {}),
    ...(after ? { after } : {}),
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { orders: page, nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

const encodeCursor = (stored: StoredOrder) =>
  Buffer.from(JSON.stringify([stored.createdAt.toISOString(), stored.order.orderId])).toString('base64url');

const CursorSchema = Type.Tuple([Type.String({ format: 'date-time' }), Type.String({ format: 'uuid' })]);

/** A cursor is checked in full before it reaches SQL: a crafted one is a 400, not a database error. */
function decodeCursor(cursor: string): { createdAt: Date; orderId: string } {
  const decoded = parseOrUndefined(Buffer.from(cursor, 'base64url').toString());
  if (violationsOf(CursorSchema, decoded).length === 0) {
    const [time, orderId] = decoded as [string, string];
    const createdAt = new Date(time);
    if (!Number.isNaN(createdAt.getTime())) return { createdAt, orderId };
  }
  throw new AppError('validation', 'ORDERS.INVALID_CURSOR', 'The cursor is not one this API returned', [
    { field: '/cursor', message: 'is not a valid cursor' },
  ]);
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
