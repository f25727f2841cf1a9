import { OutOfStock } from '../../../../contracts/index.js';
import { emailHandler } from './notify.js';

/** Alerts the inventory team that a product ran out, or that an order asked for more than there is. */
export const outOfStockAlertHandler = emailHandler({
  name: 'out-of-stock-alert',
  contract: OutOfStock,
  email: (payload, deps) => ({
    to: deps.alertsEmail,
    orderId: payload.orderId,
    content: {
      type: 'out_of_stock_alert',
      productId: payload.productId,
      available: payload.availableQuantity,
      requested: payload.requestedQuantity,
      orderId: payload.orderId,
    },
  }),
});
