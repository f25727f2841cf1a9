import { OutOfStock } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, type HandlerDependencies } from './notify.js';

/** Alerts the inventory team that a product ran out, or that an order asked for more than there is. */
export const outOfStockAlertHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'out-of-stock-alert',
    contract: OutOfStock,
    async handle({ envelope, payload }, uow) {
      await createEmailNotification(uow, envelope, deps, {
        to: deps.alertsEmail,
        orderId: payload.orderId,
        content: {
          type: 'out_of_stock_alert',
          productId: payload.productId,
          available: payload.availableQuantity,
          requested: payload.requestedQuantity,
          orderId: payload.orderId,
        },
      });
    },
  });
