import { OrderConfirmed } from '../../../../contracts/index.js';
import { customerOrderEmailHandler } from './notify.js';

/** Emails the customer that the order is confirmed, with its lines and total as confirmed. */
export const orderConfirmationHandler = customerOrderEmailHandler({
  name: 'order-confirmation',
  contract: OrderConfirmed,
  content: (payload) => ({
    type: 'order_confirmation',
    items: payload.orderItems.map((item) => ({
      name: item.productName,
      quantity: item.quantity,
      unitPrice: item.unitPrice,
      totalPrice: item.totalPrice,
    })),
    totalAmount: payload.totalAmount,
  }),
});
