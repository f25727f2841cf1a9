import {
  AdjustPayment,
  CapturePayment,
  OrderAmended,
  OrderAmendmentRejected,
  OrderCancelled,
  OrderCompleted,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  RequestPayment,
  ReserveInventory,
} from '../../../../contracts/index.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import {
  fromCents,
  lineTotal,
  orderTotal,
  type Order,
  type OrderEvent,
  type OrderLine,
} from '../domain/index.js';

const orderItems = (lines: readonly OrderLine[]) =>
  lines.map((line) => ({
    productId: line.productId,
    productName: line.name,
    quantity: line.quantity,
    unitPrice: fromCents(line.unitPrice),
    totalPrice: fromCents(lineTotal(line)),
  }));

/** Publishes what other services need to hear of an order event (`order` is the state after it). */
export function publish(uow: UnitOfWork, order: Order, event: OrderEvent): void {
  const { orderId } = order;
  const userId = order.customer.customerId;
  const totalAmount = fromCents(orderTotal(order.lines));
  switch (event.type) {
    case 'OrderPlaced':
      uow.emit(OrderPlaced, {
        orderId,
        customer: order.customer,
        orderItems: orderItems(order.lines),
        totalAmount,
        orderDate: order.orderDate,
        timestamp: event.at,
      });
      uow.emit(ReserveInventory, {
        orderId,
        lines: order.lines.map((line) => ({ productId: line.productId, quantity: line.quantity })),
        timestamp: event.at,
      });
      return;
    case 'StockReserved':
      uow.emit(RequestPayment, {
        orderId,
        userId,
        amount: totalAmount,
        paymentMethod: order.payment.method,
        paymentToken: order.payment.transactionId,
        timestamp: event.at,
      });
      return;
    case 'OrderConfirmed':
      uow.emit(OrderConfirmed, {
        orderId,
        userId,
        orderItems: orderItems(order.lines),
        orderStatus: 'confirmed',
        totalAmount,
        confirmationTimestamp: event.at,
      });
      return;
    case 'OrderRejected':
      uow.emit(OrderRejected, {
        orderId,
        userId,
        reason: event.reason,
        shortages: [...event.shortages],
        timestamp: event.at,
      });
      return;
    case 'PaymentCaptureRequested':
      uow.emit(CapturePayment, {
        orderId,
        paymentId: paymentIdOf(order),
        amount: totalAmount,
        timestamp: event.at,
      });
      return;
    case 'OrderCompleted':
      uow.emit(OrderCompleted, { orderId, userId, totalAmount, timestamp: event.at });
      return;
    case 'OrderCancelled':
      uow.emit(OrderCancelled, {
        orderId,
        userId,
        orderItems: orderItems(order.lines),
        orderStatus: 'cancelled',
        totalAmount,
        ...(event.reason ? { cancellationReason: event.reason } : {}),
        timestamp: event.at,
      });
      return;
    case 'OrderAmended':
      uow.emit(OrderAmended, {
        orderId,
        userId,
        amendedItems: changedItems(event.previousLines, event.lines),
        orderStatus: order.status,
        totalAmount,
        timestamp: event.at,
      });
      return;
    case 'PaymentAdjustmentRequested':
      uow.emit(AdjustPayment, {
        orderId,
        paymentId: paymentIdOf(order),
        amendment: event.amendment,
        previousAmount: fromCents(event.previousTotal),
        amount: fromCents(event.total),
        timestamp: event.at,
      });
      return;
    case 'AmendmentRejected':
      if (event.reason === 'insufficient_stock') {
        uow.emit(OrderAmendmentRejected, {
          orderId,
          userId,
          reason: event.reason,
          shortages: [...event.shortages],
          totalAmount,
          timestamp: event.at,
        });
        return;
      }
      uow.emit(OrderAmendmentRejected, {
        orderId,
        userId,
        reason: event.reason,
        shortages: [],
        message: event.message,
        totalAmount,
        timestamp: event.at,
      });
      // Inventory applied the amendment before the payment refused it: it is undone the same way.
      uow.emit(OrderAmended, {
        orderId,
        userId,
        amendedItems: changedItems(event.amendedLines, order.lines),
        orderStatus: order.status,
        totalAmount,
        timestamp: event.at,
      });
      return;
    case 'StockDeducted':
    case 'AmendmentSettled':
      return;
  }
}

function changedItems(before: readonly OrderLine[], after: readonly OrderLine[]) {
  const products = [...new Set([...before, ...after].map((line) => line.productId))];
  return products.flatMap((productId) => {
    const old = before.find((line) => line.productId === productId);
    const next = after.find((line) => line.productId === productId);
    const line = (next ?? old) as OrderLine;
    const oldQuantity = old?.quantity ?? 0;
    const newQuantity = next?.quantity ?? 0;
    if (oldQuantity === newQuantity) return [];
    return [
      {
        productId,
        productName: line.name,
        oldQuantity,
        newQuantity,
        unitPrice: fromCents(line.unitPrice),
        totalPrice: fromCents(newQuantity * line.unitPrice),
      },
    ];
  });
}

function paymentIdOf(order: Order): string {
  if (order.paymentId === undefined) throw new Error(`order ${order.orderId} has no payment yet`);
  return order.paymentId;
}
