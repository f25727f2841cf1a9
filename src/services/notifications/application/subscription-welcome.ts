import { UserSubscriptionStarted } from '../../../../contracts/index.js';
import { emailHandler } from './notify.js';

/** Welcomes the new subscriber, with the price, the period and the next payment date. */
export const subscriptionWelcomeHandler = emailHandler({
  name: 'subscription-welcome',
  contract: UserSubscriptionStarted,
  email: ({ customer, plan, renewsAt }) => ({
    to: customer.email,
    content: {
      type: 'subscription_started',
      customerName: customer.name,
      planName: plan.name,
      amount: plan.amount,
      currency: plan.currency,
      interval: plan.interval,
      renewsAt,
    },
  }),
});
