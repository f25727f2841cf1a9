import type { AmendedItem, OrderCommand, RequestedItem } from './commands.js';
import { orderRules } from './errors.js';
import type { OrderEvent } from './events.js';
import { evolve } from './evolve.js';
import { toCents, type Cents } from './money.js';
import { orderTotal, type Order, type OrderLine } from './order.js';
import { looksLikeCardNumber } from '../../../platform/kernel/card-number.js';

/**
 * The order's rules: what a command means for an order in its current state.
 * Returns no events when the outcome already holds (a repeat is not an error).
 */
export function decide(order: Order | undefined, command: OrderCommand, now: Date): OrderEvent[] {
  const at = now.toISOString();
  if (command.type === 'PlaceOrder') {
    if (order) throw orderRules.conflict('ALREADY_PLACED', `Order ${order.orderId} exists`);
    if (looksLikeCardNumber(command.payment.transactionId)) {
      // Refused before anything is stored, logged or published: card data never enters the system.
      throw orderRules.invalid(
        'CARD_DATA_REFUSED',
        'payment.transactionId must be a token from the payment provider, never a card number',
        '/payment/transactionId',
      );
    }
    const lines = linesOf(command.items);
    const amount = cents(command.payment.amount, '/payment/amount');
    const total = orderTotal(lines);
    if (amount !== total) {
      throw orderRules.invalid(
        'AMOUNT_MISMATCH',
        `payment.amount is ${(amount / 100).toFixed(2)} but the items add up to ${(total / 100).toFixed(2)}`,
        '/payment/amount',
      );
    }
    const { orderId, customer, shippingAddress, orderDate } = command;
    return [
      {
        type: 'OrderPlaced',
        orderId,
        customer,
        lines,
        shippingAddress,
        payment: { ...command.payment, amount },
        orderDate,
        at,
      },
    ];
  }
  if (!order) throw orderRules.notFound('NOT_FOUND', 'No such order');

  switch (command.type) {
    case 'RecordReservation':
      return order.status === 'pending' && order.reservationId === undefined
        ? [{ type: 'StockReserved', reservationId: command.reservationId, at }]
        : [];
    case 'RecordReservationFailure':
      if (order.status !== 'pending' || command.reason === 'order_cancelled') return [];
      return [{ type: 'OrderRejected', reason: command.reason, shortages: command.shortages, at }];
    case 'RecordPaymentAuthorized':
      // A cancelled order ignores it: PaymentService releases the authorization on its own.
      return order.status === 'pending' && order.paymentState === 'requested'
        ? [{ type: 'OrderConfirmed', paymentId: command.paymentId, at }]
        : [];
    case 'RecordPaymentFailed':
      // The payment could not be taken, before confirmation or at capture: the order cannot go ahead.
      return order.status === 'pending' || order.status === 'confirmed'
        ? [{ type: 'OrderCancelled', reason: `Payment failed: ${command.message}`, at }]
        : [];
    case 'RecordStockMovement': {
      if (order.status !== 'confirmed' && order.status !== 'completed') return [];
      const moved: OrderEvent = {
        type: 'StockDeducted',
        productId: command.productId,
        quantity: command.quantity,
        at,
      };
      return withCaptureRequest(order, [moved], at);
    }
    case 'RecordPaymentCaptured':
      return order.status === 'confirmed' && order.paymentState === 'capture_requested'
        ? [{ type: 'OrderCompleted', at }]
        : [];
    case 'CancelOrder':
      if (order.status === 'cancelled') return [];
      if (order.status === 'rejected') {
        throw orderRules.conflict(
          'NOT_CANCELLABLE',
          `Order ${order.orderId} was rejected; there is nothing to cancel`,
        );
      }
      return [{ type: 'OrderCancelled', ...(command.reason ? { reason: command.reason } : {}), at }];
    case 'AmendOrder': {
      if (order.status !== 'completed') {
        throw orderRules.conflict(
          'NOT_AMENDABLE',
          `Order ${order.orderId} is ${order.status}; an order can be amended once it is completed (paid, and its stock taken)`,
        );
      }
      if (order.pendingAmendment) {
        throw orderRules.conflict(
          'AMENDMENT_IN_PROGRESS',
          `Order ${order.orderId} has an amendment waiting for inventory or its payment; try again shortly`,
        );
      }
      const lines = amendedLines(order.lines, command.items);
      return sameLines(order.lines, lines)
        ? []
        : [{ type: 'OrderAmended', previousLines: order.lines, lines, at }];
    }
    case 'RecordAmendmentApplied': {
      const pending = order.pendingAmendment;
      if (pending?.awaiting !== 'inventory') return [];
      const previousTotal = orderTotal(pending.previousLines);
      const total = orderTotal(order.lines);
      return total === previousTotal
        ? [{ type: 'AmendmentSettled', at }]
        : [
            {
              type: 'PaymentAdjustmentRequested',
              amendment: order.amendments ?? 1,
              previousTotal,
              total,
              at,
            },
          ];
    }
    case 'RecordAmendmentRejected':
      return order.pendingAmendment?.awaiting === 'inventory'
        ? [{ type: 'AmendmentRejected', reason: 'insufficient_stock', shortages: command.shortages, at }]
        : [];
    case 'RecordPaymentAdjusted':
      return awaitsPaymentFor(order, command.amendment) ? [{ type: 'AmendmentSettled', at }] : [];
    case 'RecordPaymentAdjustmentFailed':
      return awaitsPaymentFor(order, command.amendment)
        ? [
            {
              type: 'AmendmentRejected',
              reason: 'payment_failed',
              message: command.message,
              amendedLines: order.lines,
              at,
            },
          ]
        : [];
  }
}

const awaitsPaymentFor = (order: Order, amendment: number): boolean =>
  order.pendingAmendment?.awaiting === 'payment' && (order.amendments ?? 0) === amendment;

/** Adds the capture of the payment when the events leave a confirmed order with every line taken from stock. */
function withCaptureRequest(order: Order, events: OrderEvent[], at: string): OrderEvent[] {
  const after = events.reduce<Order>((state, event) => evolve(state, event), order);
  return after.status === 'confirmed' && after.paymentState === 'authorized' && isFullyDeducted(after)
    ? [...events, { type: 'PaymentCaptureRequested', at }]
    : events;
}

export function isFullyDeducted(order: Order): boolean {
  const products = new Set([...order.lines.map((line) => line.productId), ...Object.keys(order.deducted)]);
  return [...products].every(
    (productId) =>
      (order.deducted[productId] ?? 0) ===
      (order.lines.find((line) => line.productId === productId)?.quantity ?? 0),
  );
}

function cents(amount: number, field: string): Cents {
  const value = toCents(amount);
  if (value === undefined)
    throw orderRules.invalid('INVALID_PRICE', `${amount} has more than two decimals`, field);
  return value;
}

function linesOf(items: readonly RequestedItem[]): OrderLine[] {
  const seen = new Set<string>();
  return items.map((item, index) => {
    if (seen.has(item.productId)) {
      throw orderRules.invalid(
        'DUPLICATE_ITEM',
        `Item ${item.productId} appears twice; put its total quantity on one line`,
        `/items/${index}/itemId`,
      );
    }
    seen.add(item.productId);
    return {
      productId: item.productId,
      name: item.name,
      quantity: item.quantity,
      unitPrice: cents(item.price, `/items/${index}/price`),
    };
  });
}

function amendedLines(current: readonly OrderLine[], items: readonly AmendedItem[]): OrderLine[] {
  const lines = new Map(current.map((line) => [line.productId, line]));
  items.forEach((item, index) => {
    const existing = lines.get(item.productId);
    if (item.quantity === 0) {
      lines.delete(item.productId);
    } else if (existing) {
      lines.set(item.productId, { ...existing, quantity: item.quantity });
    } else if (item.name !== undefined && item.price !== undefined) {
      lines.set(item.productId, {
        productId: item.productId,
        name: item.name,
        quantity: item.quantity,
        unitPrice: cents(item.price, `/items/${index}/price`),
      });
    } else {
      throw orderRules.invalid(
        'INVALID_AMENDMENT',
        `Item ${item.productId} is new to the order: give its name and price`,
        `/items/${index}`,
      );
    }
  });
  if (lines.size === 0) {
    throw orderRules.invalid(
      'INVALID_AMENDMENT',
      'An amendment cannot remove every line; cancel the order instead',
      '/items',
    );
  }
  return [...lines.values()];
}

function sameLines(a: readonly OrderLine[], b: readonly OrderLine[]): boolean {
  return (
    a.length === b.length &&
    a.every((line) =>
      b.some(
        (other) =>
          other.productId === line.productId &&
          other.quantity === line.quantity &&
          other.unitPrice === line.unitPrice,
      ),
    )
  );
}

export { looksLikeCardNumber };
