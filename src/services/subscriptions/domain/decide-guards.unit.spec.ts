import { describe, it } from 'node:test';
import { deciderSpec } from '../../../../test/support/decider-spec.js';
import type { SubscriptionCommand } from './commands.js';
import { decide } from './decide.js';
import type { SubscriptionEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Subscription } from './subscription.js';

const now = new Date('2026-03-01T09:00:00.000Z');
const at = now.toISOString();
const spec = deciderSpec<Subscription | undefined, SubscriptionCommand, SubscriptionEvent>(
  { decide, evolve },
  now,
);

const subscriptionId = '6a7b8c9d-0e1f-4a2b-9c3d-5e6f7a8b9c0d';
const userId = '7b8c9d0e-1f2a-4b3c-8d4e-6f7a8b9c0d1e';
const periodEnd = '2026-04-01T09:00:00.000Z';
const later = '2026-05-01T09:00:00.000Z';

const request: SubscriptionCommand = {
  type: 'RequestSubscription',
  subscriptionId,
  userId,
  customer: { name: 'Grace Hopper', email: 'grace@example.com' },
  planId: 'plan_basic_monthly',
};
const start: SubscriptionCommand = {
  type: 'RecordStart',
  plan: { planId: 'plan_basic_monthly', name: 'Basic', amount: 9, currency: 'EUR', interval: 'month' },
  provider: { name: 'sandbox', subscriptionId: 'sub_9' },
  currentPeriodStart: at,
  currentPeriodEnd: periodEnd,
};
const askToCancel: SubscriptionCommand = {
  type: 'RequestCancellation',
  subscriptionId,
  requestId: 'request-9',
  userId,
  mode: 'immediately',
};

/** The events of a history of commands, each decided on the state the previous ones left. */
function history(...commands: SubscriptionCommand[]): SubscriptionEvent[] {
  const events: SubscriptionEvent[] = [];
  let state: Subscription | undefined;
  for (const command of commands) {
    const decided = decide(state, command, now);
    events.push(...decided);
    state = decided.reduce<Subscription | undefined>(evolve, state);
  }
  return events;
}

const pending = history(request);
const active = history(request, start);
const cancelling = history(request, start, askToCancel);
const cancelled = history(request, start, askToCancel, { type: 'RecordCancellation', endsAt: at });
const rejectedStart = history(request, {
  type: 'RecordStartFailure',
  reason: 'provider_refused',
  detail: 'card expired',
});

describe('requests that do not fit the subscription', () => {
  it('refuses to request a subscription twice', () => {
    spec.given(pending).when(request).thenThrows('SUBSCRIPTIONS.ALREADY_EXISTS');
  });

  it('refuses a provider report for a subscription that does not exist', () => {
    spec.given([]).when(start).thenThrows('SUBSCRIPTIONS.NOT_FOUND');
  });

  it('refuses a start failure for a subscription that started, and ignores a repeated one', () => {
    const failure: SubscriptionCommand = {
      type: 'RecordStartFailure',
      reason: 'provider_unavailable',
      detail: 'timeout',
    };
    spec.given(active).when(failure).thenThrows('SUBSCRIPTIONS.NOT_PENDING');
    spec.given(rejectedStart).when(failure).thenNothingHappened();
  });

  it('refuses a provider answer to a cancellation nobody asked for, and ignores one that comes late', () => {
    const refusal: SubscriptionCommand = {
      type: 'RecordCancellationFailure',
      reason: 'provider_refused',
      detail: 'no',
    };
    spec.given(active).when(refusal).thenThrows('SUBSCRIPTIONS.NO_CANCELLATION_PENDING');
    spec.given(cancelled).when(refusal).thenNothingHappened();
    spec.given(cancelled).when({ type: 'RecordCancellation', endsAt: at }).thenNothingHappened();
  });
});

describe('cancellation without a reason, exactly', () => {
  it('records the request without a reason', () => {
    spec
      .given(active)
      .when(askToCancel)
      .then([
        {
          type: 'CancellationRequested',
          request: { requestId: 'request-9', userId, mode: 'immediately', requestedAt: at },
          at,
        },
      ]);
  });

  it('cancels on the provider’s answer, with no reason and the end it reports', () => {
    spec
      .given(cancelling)
      .when({ type: 'RecordCancellation', endsAt: at })
      .then([
        {
          type: 'SubscriptionCancelled',
          cancellation: {
            mode: 'immediately',
            endsAt: at,
            initiatedBy: 'customer',
            requestId: 'request-9',
            cancelledAt: at,
          },
          at,
        },
      ]);
  });

  it('takes a provider-side cancellation as the answer to the waiting request, without a reason', () => {
    spec
      .given(cancelling)
      .when({ type: 'RecordProviderCancellation', mode: 'end_of_period', endsAt: periodEnd })
      .then([
        {
          type: 'SubscriptionCancelled',
          cancellation: {
            mode: 'end_of_period',
            endsAt: periodEnd,
            initiatedBy: 'customer',
            requestId: 'request-9',
            cancelledAt: at,
          },
          at,
        },
      ]);
  });

  it('ignores a provider-side cancellation of a subscription that never started', () => {
    spec
      .given(rejectedStart)
      .when({ type: 'RecordProviderCancellation', mode: 'immediately', endsAt: at })
      .thenNothingHappened();
  });
});

describe('renewals by status', () => {
  const renewal: SubscriptionCommand = {
    type: 'RecordRenewal',
    currentPeriodStart: periodEnd,
    currentPeriodEnd: later,
  };

  it('renews a subscription whose cancellation the provider has not confirmed yet', () => {
    spec
      .given(cancelling)
      .when(renewal)
      .then([{ type: 'SubscriptionRenewed', currentPeriodStart: periodEnd, currentPeriodEnd: later, at }]);
  });

  it('renews neither a cancelled subscription nor one that has not started', () => {
    spec.given(cancelled).when(renewal).thenNothingHappened();
    spec.given(pending).when(renewal).thenNothingHappened();
  });
});
