import { OrderRejected } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import {
  createEmailNotification,
  productNameIn,
  requireCustomerOrder,
  type HandlerDependencies,
} from './notify.js';

/** Emails the customer that the order will not go ahead, naming the products that were short. */
export const orderRejectedHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'order-rejected',
    contract: OrderRejected,
    async handle({ envelope, payload }, uow) {
      const { recipient, order } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'order_rejected',
          customerName: recipient.name,
          orderId: payload.orderId,
          reason: payload.reason,
          shortages: payload.shortages.map((shortage) => ({
            productId: shortage.productId,
            productName: productNameIn(order, shortage.productId),
            requested: shortage.requested,
            available: shortage.available,
          })),
        },
      });
    },
  });
