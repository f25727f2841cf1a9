import { OrderAmendmentRejected } from '../../../../contracts/index.js';
import { customerOrderEmailHandler, productNameIn } from './notify.js';

/** Emails the customer that the requested change was not applied: which products were short, or why the payment refused it. */
export const amendmentRejectedHandler = customerOrderEmailHandler({
  name: 'amendment-rejected',
  contract: OrderAmendmentRejected,
  content: (payload, order) => {
    const short = payload.shortages.map((shortage) => {
      const name = productNameIn(order, shortage.productId) ?? `product ${shortage.productId}`;
      return `${name} (${shortage.requested} requested, ${shortage.available} available)`;
    });
    return {
      type: 'amendment_rejected',
      reason:
        payload.reason === 'payment_failed'
          ? `the difference in price could not be settled: ${payload.message ?? 'the payment failed'}`
          : short.length > 0
            ? `we do not have enough stock of ${short.join(', ')}`
            : 'we do not have enough stock',
    };
  },
});
