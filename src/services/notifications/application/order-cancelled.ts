import { OrderCancelled } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, requireCustomerOrder, type HandlerDependencies } from './notify.js';

/** Emails the customer that the order was cancelled, with its total and the reason given. */
export const orderCancelledHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'order-cancelled',
    contract: OrderCancelled,
    async handle({ envelope, payload }, uow) {
      const { recipient } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'order_cancelled',
          customerName: recipient.name,
          orderId: payload.orderId,
          totalAmount: payload.totalAmount,
          reason: payload.cancellationReason,
        },
      });
    },
  });
