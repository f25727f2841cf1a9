import { OrderRejected } from '../../../../contracts/index.js';
import { customerOrderEmailHandler, productNameIn } from './notify.js';

/** Emails the customer that the order will not go ahead, naming the products that were short. */
export const orderRejectedHandler = customerOrderEmailHandler({
  name: 'order-rejected',
  contract: OrderRejected,
  content: (payload, order) => ({
    type: 'order_rejected',
    reason: payload.reason,
    shortages: payload.shortages.map((shortage) => ({
      productId: shortage.productId,
      productName: productNameIn(order, shortage.productId),
      requested: shortage.requested,
      available: shortage.available,
    })),
  }),
});
