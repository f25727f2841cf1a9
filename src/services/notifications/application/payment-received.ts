import { PaymentProcessed } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, requireCustomerOrder, type HandlerDependencies } from './notify.js';

/** Tells the customer their payment went through (the catalog's "customer notified of payment"). */
export const paymentReceivedHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'payment-received',
    contract: PaymentProcessed,
    async handle({ envelope, payload }, uow) {
      const { recipient } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'payment_received',
          customerName: recipient.name,
          orderId: payload.orderId,
          amount: payload.amount,
          paymentMethod: payload.paymentMethod,
        },
      });
    },
  });
