import { UserSubscriptionCancelled } from '../../../../contracts/index.js';
import { emailHandler } from './notify.js';

/**
 * Emails the subscriber that the subscription is cancelled and until when they keep access,
 * whether they asked for it or the provider cancelled it. Refused requests get no such email.
 */
export const subscriptionCancelledHandler = emailHandler({
  name: 'subscription-cancelled',
  contract: UserSubscriptionCancelled,
  email: ({ customer, plan, mode, endsAt, initiatedBy }) => ({
    to: customer.email,
    content: {
      type: 'subscription_cancelled',
      customerName: customer.name,
      planName: plan.name,
      mode,
      endsAt,
      initiatedBy,
    },
  }),
});
