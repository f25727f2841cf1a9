import { flowsOf, type MessageRef } from './declaration.js';
import { messageStep, minutes } from './steps.js';

/** The reference catalog's flows: business views that leave messages out, each step due within 2 minutes. */
const catalogFlow = flowsOf({
  owners: ['dboyne'],
  origin: 'catalog',
  budgetMs: minutes(2),
  exhaustive: false,
});

/** The message and version a step of the catalog names, as the catalog names them. */
const pinned = (id: string, version: string): MessageRef => ({ id, version });

/**
 * The catalog's PaymentFlow (flows/Payment/PaymentProcessed), step for step. The only change is
 * PaymentProcessed at 1.0.0: the catalog's step pins 0.0.1, which decision 0001 calls stale.
 */
export const PaymentFlow = catalogFlow({
  id: 'PaymentFlow',
  name: 'Payment Flow for customers',
  version: '1.0.0',
  summary: 'How a customer pays for an order, including a failed payment and its retry.',
  steps: [
    {
      id: 'customer_place_order',
      kind: 'milestone',
      title: 'Customer places order',
      then: [{ step: 'place_order_request' }],
    },
    messageStep('place_order_request', 'Place order', pinned('PlaceOrder', '0.0.1'), {
      then: [{ step: 'payment_initiated', label: 'Initiate payment' }],
    }),
    messageStep('payment_initiated', 'Payment Initiated', pinned('PaymentInitiated', '0.0.1'), {
      thenOneOf: [{ step: 'payment_processed' }, { step: 'payment_failed' }],
    }),
    messageStep('payment_processed', 'Payment Processed', pinned('PaymentProcessed', '1.0.0'), {
      then: [
        { step: 'adjust_inventory', label: 'Adjust inventory' },
        { step: 'send_custom_notification', label: 'Notify customer' },
      ],
    }),
    {
      id: 'payment_failed',
      kind: 'milestone',
      title: 'Payment Failed',
      then: [
        { step: 'failure_notification', label: 'Notify customer of failure' },
        { step: 'retry_payment', label: 'Retry payment', optional: true },
      ],
    },
    messageStep('adjust_inventory', 'Inventory Adjusted', pinned('InventoryAdjusted', '1.0.1'), {
      repeats: true,
      then: [{ step: 'payment_complete', label: 'Complete order' }],
    }),
    {
      id: 'send_custom_notification',
      kind: 'milestone',
      title: 'Customer Notified of Payment',
      then: [{ step: 'payment_complete', label: 'Complete order' }],
    },
    { id: 'failure_notification', kind: 'milestone', title: 'Customer Notified of Failure' },
    {
      id: 'retry_payment',
      kind: 'milestone',
      title: 'Retry Payment',
      then: [{ step: 'payment_initiated', label: 'Retry payment process' }],
    },
    messageStep('payment_complete', 'Payment Complete', pinned('PaymentComplete', '0.0.2'), {
      then: [{ step: 'order-complete', label: 'Order completed' }],
    }),
    { id: 'order-complete', kind: 'milestone', title: 'Order Completed' },
  ],
});

/** The catalog's CancelSubscription flow (flows/Subscriptions/CancelSubscription) at 1.0.0. */
export const CancelSubscriptionFlow = catalogFlow({
  id: 'CancelSubscription',
  name: 'User Cancels Subscription',
  version: '1.0.0',
  summary: 'A user cancels a subscription; the provider confirms it and the customer is emailed.',
  steps: [
    {
      id: 'cancel_subscription_initiated',
      kind: 'actor',
      title: 'Cancels Subscription',
      summary: 'User cancels their subscription',
      actor: 'User',
      then: [{ step: 'cancel_subscription_request', label: 'Initiate subscription cancellation' }],
    },
    messageStep('cancel_subscription_request', 'Cancel Subscription', pinned('CancelSubscription', '0.0.1'), {
      then: [{ step: 'subscription_service', label: 'Proceed to subscription service' }],
    }),
    {
      id: 'stripe_integration',
      kind: 'external',
      title: 'Stripe',
      system: { name: 'Stripe', summary: '3rd party payment system', url: 'https://stripe.com/' },
      then: [{ step: 'subscription_service', label: 'Return to subscription service' }],
    },
    {
      id: 'subscription_service',
      kind: 'service',
      title: 'Subscription Service',
      service: { id: 'SubscriptionService', version: '0.0.1' },
      then: [{ step: 'stripe_integration', label: 'Cancel subscription via Stripe', optional: true }],
      thenOneOf: [
        { step: 'subscription_cancelled', label: 'Successful cancellation' },
        { step: 'subscription_rejected', label: 'Failed cancellation' },
      ],
    },
    messageStep(
      'subscription_cancelled',
      'Subscription has been Cancelled',
      pinned('UserSubscriptionCancelled', '0.0.1'),
      {
        then: [{ step: 'notification_service', label: 'Email customer' }],
      },
    ),
    { id: 'subscription_rejected', kind: 'milestone', title: 'Subscription cancellation has been rejected' },
    {
      id: 'notification_service',
      kind: 'service',
      title: 'Notifications Service',
      service: { id: 'NotificationService', version: '0.0.2' },
    },
  ],
});
