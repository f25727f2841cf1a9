import {
  SubscriptionCancellationRejected,
  UserSubscriptionCancelled,
  UserSubscriptionRejected,
  UserSubscriptionStarted,
} from '../../../../contracts/index.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import type { Subscription, SubscriptionEvent } from '../domain/index.js';

/** The facts every event about a started subscription carries, so consumers never have to ask. */
function factsOf(subscription: Subscription | undefined, event: SubscriptionEvent) {
  if (!subscription || !('plan' in subscription)) {
    throw new Error(`${event.type} about a subscription that has not started`);
  }
  const { subscriptionId, userId, customer, plan, provider } = subscription;
  return {
    subscriptionId,
    userId,
    customer,
    plan,
    provider: provider.name,
    providerSubscriptionId: provider.subscriptionId,
  };
}

/**
 * Publishes what other services need to hear of a subscription event. `subscription` is the state
 * after the event (none after a request about a subscription that does not exist).
 */
export function publish(
  uow: UnitOfWork,
  subscription: Subscription | undefined,
  event: SubscriptionEvent,
): void {
  switch (event.type) {
    case 'SubscriptionRequested':
    case 'CancellationRequested':
    case 'SubscriptionRenewed':
      return;
    case 'SubscriptionStarted':
      uow.emit(UserSubscriptionStarted, {
        ...factsOf(subscription, event),
        currentPeriodStart: event.currentPeriodStart,
        currentPeriodEnd: event.currentPeriodEnd,
        renewsAt: event.currentPeriodEnd,
        startedAt: event.at,
      });
      return;
    case 'SubscriptionRejected': {
      if (!subscription) throw new Error(`${event.type} without a subscription`);
      uow.emit(UserSubscriptionRejected, {
        subscriptionId: subscription.subscriptionId,
        userId: subscription.userId,
        planId: subscription.planId,
        reason: event.reason,
        detail: event.detail,
        timestamp: event.at,
      });
      return;
    }
    case 'CancellationRejected': {
      const { subscriptionId, userId, requestId, reason, detail, at } = event;
      uow.emit(SubscriptionCancellationRejected, {
        ...{ subscriptionId, userId, requestId, reason },
        ...(detail === undefined ? {} : { detail }),
        timestamp: at,
      });
      return;
    }
    case 'SubscriptionCancelled': {
      const { mode, endsAt, initiatedBy, requestId, reason, cancelledAt } = event.cancellation;
      uow.emit(UserSubscriptionCancelled, {
        ...factsOf(subscription, event),
        ...{ mode, endsAt, initiatedBy },
        ...(requestId === undefined ? {} : { requestId }),
        ...(reason === undefined ? {} : { reason }),
        cancelledAt,
      });
      return;
    }
  }
}
