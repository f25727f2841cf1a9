import { UserSubscriptionCancelled } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, type HandlerDependencies } from './notify.js';

/**
 * Emails the subscriber that the subscription is cancelled and until when they keep access,
 * whether they asked for it or the provider cancelled it. Refused requests get no such email.
 */
export const subscriptionCancelledHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'subscription-cancelled',
    contract: UserSubscriptionCancelled,
    async handle({ envelope, payload }, uow) {
      const { customer, plan } = payload;
      await createEmailNotification(uow, envelope, deps, {
        to: customer.email,
        content: {
          type: 'subscription_cancelled',
          customerName: customer.name,
          planName: plan.name,
          mode: payload.mode,
          endsAt: payload.endsAt,
          initiatedBy: payload.initiatedBy,
        },
      });
    },
  });
