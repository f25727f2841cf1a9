import { PaymentRefunded } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, requireCustomerOrder, type HandlerDependencies } from './notify.js';

/** Tells the customer money was given back: refunded, or a hold released. */
export const paymentRefundedHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'payment-refunded',
    contract: PaymentRefunded,
    async handle({ envelope, payload }, uow) {
      const { recipient } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'payment_refunded',
          customerName: recipient.name,
          orderId: payload.orderId,
          amount: payload.amount,
          method: payload.method,
          reason: payload.reason,
        },
      });
    },
  });
