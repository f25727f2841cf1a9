import { OrderCancelled } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { lockPaymentOfOrder, rememberCancellation } from '../infrastructure/payment-repository.js';
import { changePayment } from './change-payment.js';
import type { Bell } from '../../../platform/kernel/bell.js';

/**
 * Gives back what was held or taken for a cancelled order: the authorization is released, captured
 * money refunded, once. The cancellation is remembered for a payment requested after it.
 */
export const refundCancelledOrderHandler = (bell: Bell): MessageHandler =>
  defineHandler({
    name: 'refund-cancelled-order',
    contract: OrderCancelled,
    handle: async ({ payload }, uow) => {
      await rememberCancellation(uow.sql, payload.orderId, payload.cancellationReason, uow.now);
      const stored = await lockPaymentOfOrder(uow.sql, payload.orderId);
      if (!stored) return;
      await changePayment(uow, bell, stored.payment.paymentId, {
        type: 'CancelPayment',
        ...(payload.cancellationReason ? { reason: payload.cancellationReason } : {}),
      });
    },
  });
