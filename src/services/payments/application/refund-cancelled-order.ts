import { OrderCancelled } from '../../../../contracts/index.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import {
  paymentIdsOfOrders,
  rememberCancellations,
  serializeOrders,
} from '../infrastructure/payment-repository.js';
import { changePayments } from './change-payment.js';

/**
 * Gives back what was held or taken for a cancelled order: the authorization is released, captured
 * money refunded, once. The cancellation is remembered for a payment requested after it. Takes its
 * deliveries a batch at a time.
 */
export const refundCancelledOrderHandler = (bell: Bell): MessageHandler =>
  defineHandler({
    name: 'refund-cancelled-order',
    contract: OrderCancelled,
    handleBatch: async (items, sql) => {
      const [first] = items;
      if (!first) return;
      const orderIds = items.map(({ message }) => message.payload.orderId);
      await serializeOrders(sql, orderIds);
      await rememberCancellations(
        sql,
        items.map(({ message }) => ({
          orderId: message.payload.orderId,
          reason: message.payload.cancellationReason,
        })),
        first.uow.now,
      );
      const payments = await paymentIdsOfOrders(sql, orderIds);
      await changePayments(
        sql,
        bell,
        items.flatMap(({ message, uow }) => {
          const paymentId = payments.get(message.payload.orderId);
          const reason = message.payload.cancellationReason;
          return paymentId
            ? [
                {
                  uow,
                  paymentId,
                  command: { type: 'CancelPayment', ...(reason ? { reason } : {}) } as const,
                },
              ]
            : [];
        }),
      );
    },
  });
