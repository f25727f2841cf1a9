import type { SubscriptionCommand } from './commands.js';
import { subscriptionRules } from './errors.js';
import type { SubscriptionEvent } from './events.js';
import type { Subscription } from './subscription.js';

type Command<T extends SubscriptionCommand['type']> = Extract<SubscriptionCommand, { type: T }>;

/**
 * The subscription's rules: what a command means for a subscription in its current state.
 * A refused cancellation is an event, not an error: it is a fact the requester is told about.
 * Returns no events when the outcome already holds (a repeat is not an error).
 */
export function decide(
  subscription: Subscription | undefined,
  command: SubscriptionCommand,
  now: Date,
): SubscriptionEvent[] {
  const at = now.toISOString();
  if (command.type === 'RequestSubscription') {
    if (subscription) {
      throw subscriptionRules.conflict(
        'ALREADY_EXISTS',
        `Subscription ${subscription.subscriptionId} exists`,
      );
    }
    const { subscriptionId, userId, customer, planId } = command;
    return [{ type: 'SubscriptionRequested', subscriptionId, userId, customer, planId, at }];
  }
  if (command.type === 'RequestCancellation') return decideCancellation(subscription, command, at);
  if (!subscription) throw subscriptionRules.notFound('NOT_FOUND', 'No such subscription');

  switch (command.type) {
    case 'RecordStart':
      if (subscription.status === 'pending') {
        const { plan, provider, currentPeriodStart, currentPeriodEnd } = command;
        return [{ type: 'SubscriptionStarted', plan, provider, currentPeriodStart, currentPeriodEnd, at }];
      }
      if (subscription.status === 'rejected') throw notPending(subscription);
      return [];
    case 'RecordStartFailure':
      if (subscription.status === 'pending') {
        return [{ type: 'SubscriptionRejected', reason: command.reason, detail: command.detail, at }];
      }
      if (subscription.status === 'rejected') return [];
      throw notPending(subscription);
    case 'RecordCancellation': {
      if (subscription.status === 'cancelled') return [];
      if (subscription.status !== 'cancelling') throw noCancellationPending(subscription);
      const { requestId, mode, reason } = subscription.pendingCancellation;
      return [
        {
          type: 'SubscriptionCancelled',
          cancellation: {
            mode,
            endsAt: command.endsAt,
            initiatedBy: 'customer',
            requestId,
            ...(reason === undefined ? {} : { reason }),
            cancelledAt: at,
          },
          at,
        },
      ];
    }
    case 'RecordCancellationFailure': {
      if (subscription.status === 'cancelled') return [];
      if (subscription.status !== 'cancelling') throw noCancellationPending(subscription);
      const { requestId, userId } = subscription.pendingCancellation;
      const { subscriptionId } = subscription;
      const { reason, detail } = command;
      return [{ type: 'CancellationRejected', subscriptionId, requestId, userId, reason, detail, at }];
    }
    case 'RecordProviderCancellation':
      return recordProviderCancellation(subscription, command, at);
    case 'RecordRenewal': {
      const renewable = subscription.status === 'active' || subscription.status === 'cancelling';
      if (!renewable || Date.parse(command.currentPeriodEnd) <= Date.parse(subscription.currentPeriodEnd)) {
        return [];
      }
      const { currentPeriodStart, currentPeriodEnd } = command;
      return [{ type: 'SubscriptionRenewed', currentPeriodStart, currentPeriodEnd, at }];
    }
  }
}

function decideCancellation(
  subscription: Subscription | undefined,
  command: Command<'RequestCancellation'>,
  at: string,
): SubscriptionEvent[] {
  const { subscriptionId, requestId, userId, mode } = command;
  const rejection = (reason: 'not_found' | 'not_owner' | 'not_active' | 'already_cancelled') => [
    { type: 'CancellationRejected' as const, subscriptionId, requestId, userId, reason, at },
  ];
  if (!subscription) return rejection('not_found');
  if (subscription.userId !== userId) return rejection('not_owner');
  switch (subscription.status) {
    case 'pending':
    case 'rejected':
      return rejection('not_active');
    case 'cancelling':
    case 'cancelled':
      return rejection('already_cancelled');
    case 'active': {
      const reason = command.reason === undefined ? {} : { reason: command.reason };
      return [
        {
          type: 'CancellationRequested',
          request: { requestId, userId, mode, ...reason, requestedAt: at },
          at,
        },
      ];
    }
  }
}

/**
 * A cancellation the provider reports. While a request of the user is waiting for the provider's
 * answer, the report is that answer arriving first, so the cancellation is the user's.
 */
function recordProviderCancellation(
  subscription: Subscription,
  command: Command<'RecordProviderCancellation'>,
  at: string,
): SubscriptionEvent[] {
  const { mode, endsAt } = command;
  switch (subscription.status) {
    case 'pending':
      throw subscriptionRules.unavailable(
        'NOT_STARTED',
        `Subscription ${subscription.subscriptionId} has not been recorded as started yet`,
      );
    case 'rejected':
    case 'cancelled':
      return [];
    case 'active':
      return [
        {
          type: 'SubscriptionCancelled',
          cancellation: { mode, endsAt, initiatedBy: 'provider', cancelledAt: at },
          at,
        },
      ];
    case 'cancelling': {
      const { requestId, reason } = subscription.pendingCancellation;
      return [
        {
          type: 'SubscriptionCancelled',
          cancellation: {
            mode,
            endsAt,
            initiatedBy: 'customer',
            requestId,
            ...(reason === undefined ? {} : { reason }),
            cancelledAt: at,
          },
          at,
        },
      ];
    }
  }
}

const notPending = (subscription: Subscription) =>
  subscriptionRules.conflict(
    'NOT_PENDING',
    `Subscription ${subscription.subscriptionId} is ${subscription.status}, not waiting to start`,
  );

const noCancellationPending = (subscription: Subscription) =>
  subscriptionRules.conflict(
    'NO_CANCELLATION_PENDING',
    `Subscription ${subscription.subscriptionId} is ${subscription.status}, with no cancellation waiting`,
  );
