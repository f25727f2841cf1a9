import { PaymentFailed } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, requireCustomerOrder, type HandlerDependencies } from './notify.js';

/** Tells the customer their payment failed for good, in the provider's words. */
export const paymentFailedHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'payment-failed',
    contract: PaymentFailed,
    async handle({ envelope, payload }, uow) {
      const { recipient } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'payment_failed',
          customerName: recipient.name,
          orderId: payload.orderId,
          amount: payload.amount,
          message: payload.message,
        },
      });
    },
  });
