import { Type } from 'typebox';
import { Money, Text, Timestamp, Uuid } from '../common.js';
import { commandsOf, eventsOf } from '../define.js';
import { exampleIds as ids, exampleTime as time } from '../examples.js';

const owners = ['dboyne'];
/** Commands that clients send SubscriptionService, as the catalog declares them. */
const catalogCommand = commandsOf({ owners, origin: 'catalog', context: 'subscriptions', producers: [] });
const catalogEvent = eventsOf({
  owners,
  origin: 'catalog',
  context: 'subscriptions',
  producers: ['SubscriptionService'],
});
const projectEvent = eventsOf({
  owners,
  origin: 'project',
  context: 'subscriptions',
  producers: ['SubscriptionService'],
});
const exampleSubscription = '2d9e4c6a-8b1f-4e3d-9a5c-7f0b1e2d3c4a';
const exampleRequest = 'c4a1e2f3-5b6d-4c7e-8f9a-0b1c2d3e4f5a';

/** Who pays: enough for NotificationService to write to the customer without asking anyone. */
const Customer = Type.Object(
  {
    name: Text('The customer as they want to be addressed.'),
    email: Type.String({ format: 'email', maxLength: 254, description: 'Where subscription emails go.' }),
  },
  { additionalProperties: false },
);

export const BillingInterval = Type.Union(
  [Type.Literal('day'), Type.Literal('week'), Type.Literal('month'), Type.Literal('year')],
  { description: 'How often the plan renews (and is charged).' },
);

/** The plan as the provider priced it when the subscription started. */
const Plan = Type.Object(
  {
    planId: Text('The plan: with Stripe, the Price id (`price_…`).', 255),
    name: Text('The plan as customers know it.'),
    amount: Money('Price per period in major units (9.99 means 9.99 of the currency).'),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code.' }),
    interval: BillingInterval,
  },
  { additionalProperties: false },
);

export const SubscriptionProviderName = Type.Union([Type.Literal('sandbox'), Type.Literal('stripe')], {
  description: 'Which payment provider holds the subscription.',
});

export const CancellationMode = Type.Union([Type.Literal('immediately'), Type.Literal('end_of_period')], {
  description:
    '`immediately` ends access now; `end_of_period` keeps it until the paid period ends and stops the renewal.',
});

export const CancellationRejectionReason = Type.Union(
  [
    Type.Literal('not_found'),
    Type.Literal('not_owner'),
    Type.Literal('not_active'),
    Type.Literal('already_cancelled'),
    Type.Literal('provider_refused'),
    Type.Literal('provider_unavailable'),
  ],
  {
    description:
      '`not_found`: no such subscription; `not_owner`: it belongs to another user; `not_active`: it has not started (or never did); `already_cancelled`: an earlier request or the provider cancelled it; `provider_refused`: the provider said no; `provider_unavailable`: the provider did not answer after every attempt.',
  },
);

export const SubscribeUser = catalogCommand({
  id: 'SubscribeUser',
  name: 'Subscribe user',
  version: '0.0.1',
  summary: 'A user asks to subscribe to a plan, paying with a payment method the provider knows.',
  consumers: [{ service: 'SubscriptionService', accepts: '0.0.x' }],
  subjectOf: (command) => command.subscriptionId,
  fields: {
    subscriptionId: Uuid('Chosen by the client: the same request again returns the same subscription.'),
    userId: Uuid('The user who subscribes, and who alone may cancel.'),
    customer: Customer,
    planId: Text('The plan to subscribe to: with Stripe, the Price id (`price_…`).', 255),
    paymentMethod: Text('A payment method token of the provider (Stripe: `pm_…`).', 255),
    timestamp: Timestamp('When the user asked.'),
  },
  example: {
    subscriptionId: exampleSubscription,
    userId: ids.customer,
    customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
    planId: 'plan_pro_monthly',
    paymentMethod: 'pm_card_visa',
    timestamp: time,
  },
});

export const CancelSubscription = catalogCommand({
  id: 'CancelSubscription',
  name: 'Cancel subscription',
  version: '0.0.1',
  summary: 'A user asks to cancel their subscription, now or (by default) at the end of the paid period.',
  consumers: [{ service: 'SubscriptionService', accepts: '0.0.x' }],
  subjectOf: (command) => command.subscriptionId,
  fields: {
    subscriptionId: Uuid('The subscription to cancel.'),
    userId: Uuid('Who asks: only the subscriber may cancel.'),
    mode: Type.Optional(CancellationMode),
    reason: Type.Optional(Text('Why, in the customer’s words.', 500)),
    timestamp: Timestamp('When the user asked.'),
  },
  example: {
    subscriptionId: exampleSubscription,
    userId: ids.customer,
    mode: 'end_of_period',
    reason: 'Too expensive',
    timestamp: time,
  },
});

const SubscriptionFacts = {
  subscriptionId: Uuid('The subscription.'),
  userId: Uuid('The subscriber.'),
  customer: Customer,
  plan: Plan,
  provider: SubscriptionProviderName,
  providerSubscriptionId: Text('The subscription at the provider (Stripe: `sub_…`).', 255),
};

const exampleSubscriptionFacts = {
  subscriptionId: exampleSubscription,
  userId: ids.customer,
  customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
  plan: { planId: 'plan_pro_monthly', name: 'Pro', amount: 29, currency: 'USD', interval: 'month' },
  provider: 'stripe',
  providerSubscriptionId: 'sub_1PqR2sT3uV4wX5yZ',
} as const;

export const UserSubscriptionStarted = catalogEvent({
  id: 'UserSubscriptionStarted',
  name: 'User subscription started',
  version: '0.0.1',
  summary: 'The provider accepted the payment method and the subscription is active.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.subscriptionId,
  fields: {
    ...SubscriptionFacts,
    currentPeriodStart: Timestamp('Start of the first paid period.'),
    currentPeriodEnd: Timestamp('End of the first paid period.'),
    renewsAt: Timestamp('When the subscription renews and is charged next (the end of the period).'),
    startedAt: Timestamp('When the provider confirmed the subscription.'),
  },
  example: {
    ...exampleSubscriptionFacts,
    currentPeriodStart: time,
    currentPeriodEnd: '2026-08-04T14:48:00.000Z',
    renewsAt: '2026-08-04T14:48:00.000Z',
    startedAt: time,
  },
});

export const UserSubscriptionCancelled = catalogEvent({
  id: 'UserSubscriptionCancelled',
  name: 'User subscription cancelled',
  version: '0.0.1',
  summary:
    'The subscription is cancelled at the provider: it will not renew, and access ends at `endsAt`. Published once per subscription, whether the user or the provider cancelled it.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.subscriptionId,
  fields: {
    ...SubscriptionFacts,
    mode: CancellationMode,
    endsAt: Timestamp('When access ends: the cancellation time, or the end of the paid period.'),
    initiatedBy: Type.Union([Type.Literal('customer'), Type.Literal('provider')], {
      description:
        '`customer`: through CancelSubscription; `provider`: made on the provider’s side (dashboard, dunning) and learned from its webhook.',
    }),
    requestId: Type.Optional(
      Text('The CancelSubscription request that asked for it (its idempotency key).', 255),
    ),
    reason: Type.Optional(Text('Why, in the customer’s words.', 500)),
    cancelledAt: Timestamp('When the provider confirmed the cancellation.'),
  },
  example: {
    ...exampleSubscriptionFacts,
    mode: 'end_of_period',
    endsAt: '2026-08-04T14:48:00.000Z',
    initiatedBy: 'customer',
    requestId: exampleRequest,
    reason: 'Too expensive',
    cancelledAt: time,
  },
});

export const SubscriptionCancellationRejected = projectEvent({
  id: 'SubscriptionCancellationRejected',
  name: 'Subscription cancellation rejected',
  version: '0.0.1',
  summary: 'A CancelSubscription request was refused; the subscription is as it was before the request.',
  consumers: [],
  subjectOf: (event) => event.subscriptionId,
  fields: {
    subscriptionId: Uuid('The subscription the request named (it may not exist).'),
    userId: Uuid('Who asked.'),
    requestId: Text('The request refused (its idempotency key).', 255),
    reason: CancellationRejectionReason,
    detail: Type.Optional(Text('What the provider said, for the provider reasons.', 1000)),
    timestamp: Timestamp('When the request was refused.'),
  },
  example: {
    subscriptionId: exampleSubscription,
    userId: ids.customer,
    requestId: exampleRequest,
    reason: 'provider_refused',
    detail: 'The subscription is locked by a pending dispute',
    timestamp: time,
  },
});

export const UserSubscriptionRejected = projectEvent({
  id: 'UserSubscriptionRejected',
  name: 'User subscription rejected',
  version: '0.0.1',
  summary: 'A SubscribeUser request could not start a subscription; nothing is charged.',
  consumers: [],
  subjectOf: (event) => event.subscriptionId,
  fields: {
    subscriptionId: Uuid('The subscription that did not start.'),
    userId: Uuid('The user who asked.'),
    planId: Text('The plan asked for.', 255),
    reason: Type.Union([Type.Literal('provider_refused'), Type.Literal('provider_unavailable')], {
      description:
        '`provider_refused`: declined payment method, unknown plan; `provider_unavailable`: no answer after every attempt.',
    }),
    detail: Text('What the provider said.', 1000),
    timestamp: Timestamp('When the request was refused.'),
  },
  example: {
    subscriptionId: exampleSubscription,
    userId: ids.customer,
    planId: 'plan_pro_monthly',
    reason: 'provider_refused',
    detail: 'Your card was declined.',
    timestamp: time,
  },
});
