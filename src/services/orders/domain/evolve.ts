import type { OrderEvent } from './events.js';
import { orderTotal, type Order } from './order.js';

/** Applies one event to the order. `OrderPlaced` creates it; every other event needs it. */
export function evolve(order: Order | undefined, event: OrderEvent): Order {
  if (event.type === 'OrderPlaced') {
    const { type: _type, at, ...placed } = event;
    return { ...placed, status: 'pending', placedAt: at, deducted: {} };
  }
  if (!order) throw new Error(`${event.type} cannot apply to an order that does not exist`);
  switch (event.type) {
    case 'StockReserved':
      return { ...order, reservationId: event.reservationId, paymentState: 'requested' };
    case 'OrderConfirmed':
      return { ...order, status: 'confirmed', paymentId: event.paymentId, paymentState: 'authorized' };
    case 'PaymentCaptureRequested':
      return { ...order, paymentState: 'capture_requested' };
    case 'OrderRejected':
      return {
        ...order,
        status: 'rejected',
        rejection: { reason: event.reason, shortages: event.shortages },
      };
    case 'StockDeducted':
      return {
        ...order,
        deducted: {
          ...order.deducted,
          [event.productId]: (order.deducted[event.productId] ?? 0) + event.quantity,
        },
      };
    case 'OrderCompleted':
      if (order.status !== 'confirmed')
        throw new Error(`OrderCompleted cannot apply to a ${order.status} order`);
      return { ...order, status: 'completed', completedAt: event.at, paymentState: 'captured' };
    case 'OrderCancelled': {
      const { pendingAmendment: _dropped, ...rest } = order;
      return {
        ...rest,
        status: 'cancelled',
        cancellation: { ...(event.reason ? { reason: event.reason } : {}), at: event.at },
      };
    }
    case 'OrderAmended':
      return {
        ...order,
        lines: event.lines,
        payment: { ...order.payment, amount: orderTotal(event.lines) },
        amendments: (order.amendments ?? 0) + 1,
        pendingAmendment: { previousLines: event.previousLines, awaiting: 'inventory' },
      };
    case 'PaymentAdjustmentRequested':
      return order.pendingAmendment
        ? { ...order, pendingAmendment: { ...order.pendingAmendment, awaiting: 'payment' } }
        : order;
    case 'AmendmentSettled': {
      const { pendingAmendment: _settled, ...rest } = order;
      return rest;
    }
    case 'AmendmentRejected': {
      const { pendingAmendment, ...rest } = order;
      const lines = pendingAmendment?.previousLines ?? order.lines;
      return { ...rest, lines, payment: { ...order.payment, amount: orderTotal(lines) } };
    }
  }
}
