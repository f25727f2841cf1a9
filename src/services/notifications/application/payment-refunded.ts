import { PaymentRefunded } from '../../../../contracts/index.js';
import { customerOrderEmailHandler } from './notify.js';

/** Tells the customer money was given back: refunded, or a hold released. */
export const paymentRefundedHandler = customerOrderEmailHandler({
  name: 'payment-refunded',
  contract: PaymentRefunded,
  content: ({ amount, method, reason }) => ({ type: 'payment_refunded', amount, method, reason }),
});
