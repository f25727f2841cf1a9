import { OrderAmendmentRejected } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import {
  createEmailNotification,
  productNameIn,
  requireCustomerOrder,
  type HandlerDependencies,
} from './notify.js';

/** Emails the customer that the requested change was not applied: which products were short, or why the payment refused it. */
export const amendmentRejectedHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'amendment-rejected',
    contract: OrderAmendmentRejected,
    async handle({ envelope, payload }, uow) {
      const { recipient, order } = await requireCustomerOrder(uow, payload.userId, payload.orderId);
      const short = payload.shortages.map((shortage) => {
        const name = productNameIn(order, shortage.productId) ?? `product ${shortage.productId}`;
        return `${name} (${shortage.requested} requested, ${shortage.available} available)`;
      });
      await createEmailNotification(uow, envelope, deps, {
        to: recipient.email,
        orderId: payload.orderId,
        content: {
          type: 'amendment_rejected',
          customerName: recipient.name,
          orderId: payload.orderId,
          reason:
            payload.reason === 'payment_failed'
              ? `the difference in price could not be settled: ${payload.message ?? 'the payment failed'}`
              : short.length > 0
                ? `we do not have enough stock of ${short.join(', ')}`
                : 'we do not have enough stock',
        },
      });
    },
  });
