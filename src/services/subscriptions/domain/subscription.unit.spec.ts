import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from '../../../../test/support/decider-spec.js';
import type { SubscriptionCommand } from './commands.js';
import { decide } from './decide.js';
import type { SubscriptionEvent } from './events.js';
import { evolve } from './evolve.js';
import { renewsAt, type CancellationRejectionReason, type Subscription } from './subscription.js';

const now = new Date('2026-07-04T14:48:00.000Z');
const at = now.toISOString();
const spec = deciderSpec<Subscription | undefined, SubscriptionCommand, SubscriptionEvent>(
  { decide, evolve },
  now,
);

const subscriptionId = '2d9e4c6a-8b1f-4e3d-9a5c-7f0b1e2d3c4a';
const owner = '3f2b8c1e-7a4d-4b9e-8c6f-1d2e3f4a5b6c';
const stranger = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const customer = { name: 'Ada Lovelace', email: 'ada@example.com' };
const plan = {
  planId: 'plan_pro_monthly',
  name: 'Pro',
  amount: 29,
  currency: 'USD',
  interval: 'month',
} as const;
const periodEnd = '2026-08-04T14:48:00.000Z';

const requested: SubscriptionEvent = {
  type: 'SubscriptionRequested',
  subscriptionId,
  userId: owner,
  customer,
  planId: plan.planId,
  at,
};
/** What the provider reports of the subscription it started. */
const providerStart = {
  plan,
  provider: { name: 'stripe', subscriptionId: 'sub_1' },
  currentPeriodStart: at,
  currentPeriodEnd: periodEnd,
} as const;
const recordStart: SubscriptionCommand = { type: 'RecordStart', ...providerStart };
const started: SubscriptionEvent = { type: 'SubscriptionStarted', ...providerStart, at };
const cancellationRequest = {
  requestId: 'request-1',
  userId: owner,
  mode: 'end_of_period',
  reason: 'Too expensive',
  requestedAt: at,
} as const;
const cancellationRequested: SubscriptionEvent = {
  type: 'CancellationRequested',
  request: cancellationRequest,
  at,
};
const cancelledByCustomer: SubscriptionEvent = {
  type: 'SubscriptionCancelled',
  cancellation: {
    mode: 'end_of_period',
    endsAt: periodEnd,
    initiatedBy: 'customer',
    requestId: 'request-1',
    reason: 'Too expensive',
    cancelledAt: at,
  },
  at,
};

const cancel = (overrides: Partial<Extract<SubscriptionCommand, { type: 'RequestCancellation' }>> = {}) =>
  ({
    type: 'RequestCancellation',
    subscriptionId,
    requestId: 'request-1',
    userId: owner,
    mode: 'end_of_period',
    reason: 'Too expensive',
    ...overrides,
  }) as const;

const rejected = (
  reason: CancellationRejectionReason,
  {
    requestId = 'request-1',
    userId = owner,
    detail,
  }: { requestId?: string; userId?: string; detail?: string } = {},
): SubscriptionEvent => ({
  type: 'CancellationRejected',
  subscriptionId,
  requestId,
  userId,
  reason,
  ...(detail === undefined ? {} : { detail }),
  at,
});

describe('starting a subscription', () => {
  it('records the request as pending until the provider answers', () => {
    spec
      .given([])
      .when({ type: 'RequestSubscription', subscriptionId, userId: owner, customer, planId: plan.planId })
      .thenState((subscription) => {
        assert.equal(subscription?.status, 'pending');
      });
  });

  it('becomes active with the plan and period the provider reports, renewing at the period end', () => {
    spec
      .given([requested])
      .when(recordStart)
      .thenState((subscription) => {
        assert.equal(subscription?.status, 'active');
        assert.equal(renewsAt(subscription), periodEnd);
      });
  });

  it('is rejected when the provider refuses it', () => {
    spec
      .given([requested])
      .when({ type: 'RecordStartFailure', reason: 'provider_refused', detail: 'Your card was declined.' })
      .then([
        { type: 'SubscriptionRejected', reason: 'provider_refused', detail: 'Your card was declined.', at },
      ]);
  });

  it('ignores the provider confirming a start twice', () => {
    spec.given([requested, started]).when(recordStart).thenNothingHappened();
  });

  it('refuses a start for a subscription already rejected: two answers to one request is a bug', () => {
    spec
      .given([requested, { type: 'SubscriptionRejected', reason: 'provider_refused', detail: 'no', at }])
      .when(recordStart)
      .thenThrows('SUBSCRIPTIONS.NOT_PENDING');
  });
});

describe('asking to cancel', () => {
  it('accepts the owner’s request and waits for the provider', () => {
    spec.given([requested, started]).when(cancel()).then([cancellationRequested]);
  });

  it('keeps the renewal date while the provider has not confirmed', () => {
    spec
      .given([requested, started])
      .when(cancel())
      .thenState((subscription) => {
        assert.equal(subscription?.status, 'cancelling');
        assert.equal(renewsAt(subscription), periodEnd);
      });
  });

  it('rejects a subscription that does not exist', () => {
    spec
      .given([])
      .when(cancel())
      .then([rejected('not_found')]);
  });

  it('rejects a request from someone who is not the subscriber', () => {
    spec
      .given([requested, started])
      .when(cancel({ userId: stranger }))
      .then([rejected('not_owner', { userId: stranger })]);
  });

  it('rejects a subscription that has not started', () => {
    spec
      .given([requested])
      .when(cancel())
      .then([rejected('not_active')]);
  });

  it('rejects a second request once a cancellation is under way or done', () => {
    spec
      .given([requested, started, cancellationRequested])
      .when(cancel({ requestId: 'request-2' }))
      .then([rejected('already_cancelled', { requestId: 'request-2' })]);
    spec
      .given([requested, started, cancellationRequested, cancelledByCustomer])
      .when(cancel({ requestId: 'request-2' }))
      .then([rejected('already_cancelled', { requestId: 'request-2' })]);
  });

  it('leaves the subscription as it was when a request is rejected', () => {
    spec
      .given([requested, started])
      .when(cancel({ userId: stranger }))
      .thenState((subscription) => {
        assert.equal(subscription?.status, 'active');
      });
  });
});

describe('the provider’s answer to a cancellation', () => {
  it('cancels with the requested mode and the end the provider reports; no renewal follows', () => {
    spec
      .given([requested, started, cancellationRequested])
      .when({ type: 'RecordCancellation', endsAt: periodEnd })
      .then([cancelledByCustomer]);
    spec
      .given([requested, started, cancellationRequested, cancelledByCustomer])
      .when({
        type: 'RecordRenewal',
        currentPeriodStart: periodEnd,
        currentPeriodEnd: '2026-09-04T14:48:00.000Z',
      })
      .thenNothingHappened();
  });

  it('turns a refusal into a rejection of the request and makes the subscription active again', () => {
    spec
      .given([requested, started, cancellationRequested])
      .when({ type: 'RecordCancellationFailure', reason: 'provider_refused', detail: 'Locked' })
      .then([rejected('provider_refused', { detail: 'Locked' })]);
    spec
      .given([requested, started, cancellationRequested])
      .when({ type: 'RecordCancellationFailure', reason: 'provider_unavailable', detail: 'No answer' })
      .thenState((subscription) => {
        assert.equal(subscription?.status, 'active');
        assert.equal(subscription.cancellationRejection?.reason, 'provider_unavailable');
      });
  });

  it('ignores an answer that comes after the provider’s webhook already cancelled it', () => {
    const viaWebhook: SubscriptionEvent[] = [requested, started, cancellationRequested, cancelledByCustomer];
    spec.given(viaWebhook).when({ type: 'RecordCancellation', endsAt: periodEnd }).thenNothingHappened();
    spec
      .given(viaWebhook)
      .when({ type: 'RecordCancellationFailure', reason: 'provider_refused', detail: 'gone' })
      .thenNothingHappened();
  });

  it('refuses an answer no request is waiting for', () => {
    spec
      .given([requested, started])
      .when({ type: 'RecordCancellation', endsAt: periodEnd })
      .thenThrows('SUBSCRIPTIONS.NO_CANCELLATION_PENDING');
  });
});

describe('cancellations made on the provider’s side', () => {
  it('cancels an active subscription as initiated by the provider', () => {
    spec
      .given([requested, started])
      .when({ type: 'RecordProviderCancellation', mode: 'immediately', endsAt: at })
      .then([
        {
          type: 'SubscriptionCancelled',
          cancellation: { mode: 'immediately', endsAt: at, initiatedBy: 'provider', cancelledAt: at },
          at,
        },
      ]);
  });

  it('counts as the answer to a waiting request when it arrives first', () => {
    spec
      .given([requested, started, cancellationRequested])
      .when({ type: 'RecordProviderCancellation', mode: 'end_of_period', endsAt: periodEnd })
      .then([cancelledByCustomer]);
  });

  it('changes nothing when the subscription is already cancelled (the period-end deletion included)', () => {
    spec
      .given([requested, started, cancellationRequested, cancelledByCustomer])
      .when({ type: 'RecordProviderCancellation', mode: 'end_of_period', endsAt: periodEnd })
      .thenNothingHappened();
  });

  it('asks to be tried later while the start is not recorded yet', () => {
    spec
      .given([requested])
      .when({ type: 'RecordProviderCancellation', mode: 'immediately', endsAt: at })
      .thenThrows('SUBSCRIPTIONS.NOT_STARTED');
  });
});

describe('renewals', () => {
  const next = { currentPeriodStart: periodEnd, currentPeriodEnd: '2026-09-04T14:48:00.000Z' };

  it('moves the period and the renewal date forward', () => {
    spec
      .given([requested, started])
      .when({ type: 'RecordRenewal', ...next })
      .thenState((subscription) => {
        assert.ok(subscription);
        assert.equal(renewsAt(subscription), next.currentPeriodEnd);
      });
  });

  it('ignores a report of a period that is not later than the current one', () => {
    spec
      .given([requested, started, { type: 'SubscriptionRenewed', ...next, at }])
      .when({ type: 'RecordRenewal', ...next })
      .thenNothingHappened();
  });
});
