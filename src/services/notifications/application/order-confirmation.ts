import { OrderConfirmed } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, requireCustomerOrder, type HandlerDependencies } from './notify.js';

/** Emails the customer that the order is confirmed, with its lines and total as confirmed. */
export const orderConfirmationHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'order-confirmation',
    contract: OrderConfirmed,
    async handle({ envelope, payload }, uow) {
      const { recipient } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'order_confirmation',
          customerName: recipient.name,
          orderId: payload.orderId,
          items: payload.orderItems.map((item) => ({
            name: item.productName,
            quantity: item.quantity,
            unitPrice: item.unitPrice,
            totalPrice: item.totalPrice,
          })),
          totalAmount: payload.totalAmount,
        },
      });
    },
  });
