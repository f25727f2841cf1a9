import { UserSubscriptionStarted } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { createEmailNotification, type HandlerDependencies } from './notify.js';

/** Welcomes the new subscriber, with the price, the period and the next payment date. */
export const subscriptionWelcomeHandler = (deps: HandlerDependencies): MessageHandler =>
  defineHandler({
    name: 'subscription-welcome',
    contract: UserSubscriptionStarted,
    async handle({ envelope, payload }, uow) {
      const { customer, plan } = payload;
      await createEmailNotification(uow, envelope, deps, {
        to: customer.email,
        content: {
          type: 'subscription_started',
          customerName: customer.name,
          planName: plan.name,
          amount: plan.amount,
          currency: plan.currency,
          interval: plan.interval,
          renewsAt: payload.renewsAt,
        },
      });
    },
  });
