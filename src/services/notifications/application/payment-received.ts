import { PaymentProcessed } from '../../../../contracts/index.js';
import { customerOrderEmailHandler } from './notify.js';

/** Tells the customer their payment went through (the catalog's "customer notified of payment"). */
export const paymentReceivedHandler = customerOrderEmailHandler({
  name: 'payment-received',
  contract: PaymentProcessed,
  content: ({ amount, paymentMethod }) => ({ type: 'payment_received', amount, paymentMethod }),
});
