import { PaymentFailed } from '../../../../contracts/index.js';
import { customerOrderEmailHandler } from './notify.js';

/** Tells the customer their payment failed for good, in the provider's words. */
export const paymentFailedHandler = customerOrderEmailHandler({
  name: 'payment-failed',
  contract: PaymentFailed,
  content: ({ amount, message }) => ({ type: 'payment_failed', amount, message }),
});
