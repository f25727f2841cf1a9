import { createHash } from 'node:crypto';
import type { PlaceOrder } from '../../../../contracts/index.js';
import { type Envelope, type PayloadOf } from '../../../../contracts/index.js';
import { recordInTimeline, timelineEntryOf, type TimelineEntry } from '../../../flows/index.js';
import { AppError } from '../../../platform/kernel/errors.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, evolve, type Order } from '../domain/index.js';
import { insertOrder, lockOrder, type StoredOrder } from '../infrastructure/order-repository.js';
import type { InProgressBound } from './in-progress-bound.js';
import { publish } from './publish.js';

export type PlaceOrderCommand = PayloadOf<typeof PlaceOrder>;

export type Placement =
  /** Placed now: the order as stored, and its timeline, which holds the command alone. */
  | { readonly outcome: 'placed'; readonly stored: StoredOrder; readonly timeline: readonly TimelineEntry[] }
  /** The same request was placed before: the call was a retry. */
  | { readonly outcome: 'replayed' }
  /** As many orders were in progress as the bound allows: nothing was stored. */
  | { readonly outcome: 'refused' };

/**
 * Accepts an order, or recognises a retry of it. The client's `orderId` makes placement idempotent:
 * the same body again returns the same order; a different body under the same id is a conflict.
 * Given a bound, a new order is refused while as many orders are in progress as it allows; a retry is
 * answered whatever the count.
 */
export async function placeOrder(
  uow: UnitOfWork,
  command: Envelope<PlaceOrderCommand>,
  bound?: InProgressBound,
): Promise<Placement> {
  const request = command.data;
  const fingerprint = fingerprintOf(request);
  const existing = await lockOrder(uow.sql, request.orderId);
  if (existing) return sameRequest(existing.order, existing.requestFingerprint, fingerprint);

  const events = decide(
    undefined,
    {
      type: 'PlaceOrder',
      orderId: request.orderId,
      customer: request.customer,
      items: request.items.map((item) => ({
        productId: item.itemId,
        name: item.name,
        quantity: item.quantity,
        price: item.price,
      })),
      shippingAddress: request.shippingAddress,
      payment: {
        method: request.payment.paymentMethod,
        transactionId: request.payment.transactionId,
        amount: request.payment.amount,
      },
      orderDate: request.orderDate,
    },
    uow.now,
  );
  const order = events.reduce<Order | undefined>(evolve, undefined) as Order;
  const stored: StoredOrder = {
    order,
    correlationId: uow.origin.correlationId,
    requestFingerprint: fingerprint,
    createdAt: uow.now,
  };
  if (bound && !(await bound.admits(uow.sql))) return { outcome: 'refused' };
  const inserted = await insertOrder(uow.sql, stored);
  if (!inserted) {
    // Another request with this id committed between our read and our insert.
    const winner = await lockOrder(uow.sql, request.orderId);
    if (!winner) throw new Error(`order ${request.orderId} vanished during placement`);
    return sameRequest(winner.order, winner.requestFingerprint, fingerprint);
  }
  await recordInTimeline(uow.sql, [command], uow.now);
  for (const event of events) publish(uow, order, event);
  return { outcome: 'placed', stored, timeline: [timelineEntryOf(command)] };
}

function sameRequest(order: Order, storedFingerprint: string, fingerprint: string): Placement {
  if (storedFingerprint !== fingerprint) {
    throw new AppError(
      'conflict',
      'ORDERS.ID_REUSED',
      `Order ${order.orderId} was placed before with a different body`,
    );
  }
  return { outcome: 'replayed' };
}

/** A digest of the request that ignores the order of object keys. */
function fingerprintOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
