import { OrderCancelled } from '../../../../contracts/index.js';
import { customerOrderEmailHandler } from './notify.js';

/** Emails the customer that the order was cancelled, with its total and the reason given. */
export const orderCancelledHandler = customerOrderEmailHandler({
  name: 'order-cancelled',
  contract: OrderCancelled,
  content: (payload) => ({
    type: 'order_cancelled',
    totalAmount: payload.totalAmount,
    reason: payload.cancellationReason,
  }),
});
