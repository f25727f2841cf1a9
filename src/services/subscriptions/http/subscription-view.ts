import { Type, type TSchema } from 'typebox';
import {
  BillingInterval,
  CancellationMode,
  CancellationRejectionReason,
  SubscribeUser,
  SubscriptionProviderName,
} from '../../../../contracts/index.js';
import { renewsAt, type Subscription } from '../domain/index.js';
import type { StoredSubscription } from '../infrastructure/subscription-repository.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const DateTime = (description: string) => Type.String({ format: 'date-time', description });

export const SubscriptionStatus = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('active'),
    Type.Literal('cancelling'),
    Type.Literal('cancelled'),
    Type.Literal('rejected'),
  ],
  {
    description:
      '`pending`: waiting for the provider to start it; `active`; `cancelling`: a cancellation waits for the provider; `cancelled`: it will not renew and access ends at `cancellation.endsAt`; `rejected`: the provider did not start it.',
  },
);

const { subscriptionId, userId, customer, planId, timestamp } = SubscribeUser.example;

/** A subscription cancelled at the end of its first month, as `GET /subscriptions/{id}` shows it. */
export const subscriptionViewExample = {
  subscriptionId,
  userId,
  customer,
  status: 'cancelled',
  planId,
  plan: { planId, name: 'Pro', amount: 29, currency: 'USD', interval: 'month' },
  provider: { name: 'stripe', subscriptionId: 'sub_1PqR2sT3uV4wX5yZ' },
  currentPeriodStart: timestamp,
  currentPeriodEnd: '2026-08-04T14:48:00.000Z',
  renewsAt: null,
  pendingCancellation: null,
  cancellation: {
    mode: 'end_of_period',
    endsAt: '2026-08-04T14:48:00.000Z',
    initiatedBy: 'customer',
    requestId: 'c4a1e2f3-5b6d-4c7e-8f9a-0b1c2d3e4f5a',
    reason: 'Too expensive',
    cancelledAt: '2026-07-10T09:30:00.000Z',
  },
  lastCancellationRejection: null,
  rejection: null,
  requestedAt: timestamp,
  startedAt: timestamp,
  updatedAt: '2026-07-10T09:30:00.000Z',
};

export const SubscriptionView = Type.Object(
  {
    subscriptionId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid' }),
    customer: Type.Object({ name: Type.String(), email: Type.String() }, { additionalProperties: false }),
    status: SubscriptionStatus,
    planId: Type.String({ description: 'The plan asked for.' }),
    plan: Nullable(
      Type.Object(
        {
          planId: Type.String(),
          name: Type.String(),
          amount: Type.Number({ description: 'Per period, in major units.' }),
          currency: Type.String(),
          interval: BillingInterval,
        },
        { additionalProperties: false, description: 'As the provider priced it; null until it started.' },
      ),
    ),
    provider: Nullable(
      Type.Object(
        { name: SubscriptionProviderName, subscriptionId: Type.String() },
        { additionalProperties: false },
      ),
    ),
    currentPeriodStart: Nullable(DateTime('Start of the paid period.')),
    currentPeriodEnd: Nullable(DateTime('End of the paid period.')),
    renewsAt: Nullable(DateTime('When it renews and is charged next; null once it will not renew.')),
    pendingCancellation: Nullable(
      Type.Object(
        {
          requestId: Type.String(),
          mode: CancellationMode,
          reason: Nullable(Type.String()),
          requestedAt: DateTime('When the cancellation was accepted.'),
        },
        { additionalProperties: false, description: 'A cancellation waiting for the provider.' },
      ),
    ),
    cancellation: Nullable(
      Type.Object(
        {
          mode: CancellationMode,
          endsAt: DateTime('When access ends.'),
          initiatedBy: Type.Union([Type.Literal('customer'), Type.Literal('provider')]),
          requestId: Nullable(Type.String()),
          reason: Nullable(Type.String()),
          cancelledAt: DateTime('When the provider confirmed it.'),
        },
        { additionalProperties: false },
      ),
    ),
    lastCancellationRejection: Nullable(
      Type.Object(
        { reason: CancellationRejectionReason, detail: Nullable(Type.String()), at: DateTime('When.') },
        {
          additionalProperties: false,
          description: 'Why the provider did not cancel, until another request.',
        },
      ),
    ),
    rejection: Nullable(
      Type.Object(
        {
          reason: Type.Union([Type.Literal('provider_refused'), Type.Literal('provider_unavailable')]),
          detail: Type.String(),
          at: DateTime('When.'),
        },
        { additionalProperties: false, description: 'Why the provider did not start it.' },
      ),
    ),
    requestedAt: DateTime('When the subscription was asked for.'),
    startedAt: Nullable(DateTime('When the provider started it.')),
    updatedAt: DateTime('When it last changed.'),
  },
  { additionalProperties: false, title: 'Subscription', examples: [subscriptionViewExample] },
);

export function subscriptionView(stored: StoredSubscription) {
  const { subscription } = stored;
  return {
    subscriptionId: subscription.subscriptionId,
    userId: subscription.userId,
    customer: subscription.customer,
    status: subscription.status,
    planId: subscription.planId,
    ...startedFacts(subscription),
    renewsAt: renewsAt(subscription) ?? null,
    pendingCancellation:
      subscription.status === 'cancelling'
        ? {
            requestId: subscription.pendingCancellation.requestId,
            mode: subscription.pendingCancellation.mode,
            reason: subscription.pendingCancellation.reason ?? null,
            requestedAt: subscription.pendingCancellation.requestedAt,
          }
        : null,
    cancellation:
      subscription.status === 'cancelled'
        ? {
            mode: subscription.cancellation.mode,
            endsAt: subscription.cancellation.endsAt,
            initiatedBy: subscription.cancellation.initiatedBy,
            requestId: subscription.cancellation.requestId ?? null,
            reason: subscription.cancellation.reason ?? null,
            cancelledAt: subscription.cancellation.cancelledAt,
          }
        : null,
    lastCancellationRejection:
      subscription.status === 'active' && subscription.cancellationRejection
        ? {
            reason: subscription.cancellationRejection.reason,
            detail: subscription.cancellationRejection.detail ?? null,
            at: subscription.cancellationRejection.at,
          }
        : null,
    rejection: subscription.status === 'rejected' ? subscription.rejection : null,
    requestedAt: subscription.requestedAt,
    updatedAt: stored.updatedAt.toISOString(),
  };
}

function startedFacts(subscription: Subscription) {
  if (!('plan' in subscription)) {
    return { plan: null, provider: null, currentPeriodStart: null, currentPeriodEnd: null, startedAt: null };
  }
  const { plan, provider, currentPeriodStart, currentPeriodEnd, startedAt } = subscription;
  return { plan, provider, currentPeriodStart, currentPeriodEnd, startedAt };
}
