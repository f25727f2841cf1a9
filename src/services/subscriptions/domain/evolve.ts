import type { SubscriptionEvent } from './events.js';
import type { Subscription } from './subscription.js';

/**
 * Applies an event to the subscription it happened to. A rejected cancellation request about a
 * subscription that does not exist leaves nothing behind.
 */
export function evolve(
  subscription: Subscription | undefined,
  event: SubscriptionEvent,
): Subscription | undefined {
  if (event.type === 'SubscriptionRequested') {
    const { subscriptionId, userId, customer, planId, at } = event;
    return { status: 'pending', subscriptionId, userId, customer, planId, requestedAt: at };
  }
  if (event.type === 'CancellationRejected') return afterRejectedCancellation(subscription, event);
  if (!subscription) throw new Error(`${event.type} without a subscription`);

  switch (event.type) {
    case 'SubscriptionStarted': {
      const { plan, provider, currentPeriodStart, currentPeriodEnd, at } = event;
      const { subscriptionId, userId, customer, planId, requestedAt } = subscription;
      return {
        status: 'active',
        ...{ subscriptionId, userId, customer, planId, requestedAt },
        ...{ plan, provider, currentPeriodStart, currentPeriodEnd, startedAt: at },
      };
    }
    case 'SubscriptionRejected': {
      const { reason, detail, at } = event;
      const { subscriptionId, userId, customer, planId, requestedAt } = subscription;
      return {
        status: 'rejected',
        ...{ subscriptionId, userId, customer, planId, requestedAt },
        rejection: { reason, detail, at },
      };
    }
    case 'CancellationRequested': {
      if (subscription.status !== 'active') throw unexpected(subscription, event);
      const { cancellationRejection: _previous, ...started } = subscription;
      return { ...started, status: 'cancelling', pendingCancellation: event.request };
    }
    case 'SubscriptionCancelled': {
      if (subscription.status === 'active') {
        const { cancellationRejection: _previous, ...started } = subscription;
        return { ...started, status: 'cancelled', cancellation: event.cancellation };
      }
      if (subscription.status === 'cancelling') {
        const { pendingCancellation: _request, ...started } = subscription;
        return { ...started, status: 'cancelled', cancellation: event.cancellation };
      }
      throw unexpected(subscription, event);
    }
    case 'SubscriptionRenewed': {
      if (subscription.status !== 'active' && subscription.status !== 'cancelling') {
        throw unexpected(subscription, event);
      }
      return {
        ...subscription,
        currentPeriodStart: event.currentPeriodStart,
        currentPeriodEnd: event.currentPeriodEnd,
      };
    }
  }
}

/** Only the provider's refusal undoes anything: it ends the wait of the request it answers. */
function afterRejectedCancellation(
  subscription: Subscription | undefined,
  event: Extract<SubscriptionEvent, { type: 'CancellationRejected' }>,
): Subscription | undefined {
  const { reason } = event;
  const byProvider = reason === 'provider_refused' || reason === 'provider_unavailable';
  if (!byProvider || subscription?.status !== 'cancelling') return subscription;
  const { pendingCancellation: _request, ...started } = subscription;
  return {
    ...started,
    status: 'active',
    cancellationRejection: {
      reason,
      ...(event.detail === undefined ? {} : { detail: event.detail }),
      at: event.at,
    },
  };
}

const unexpected = (subscription: Subscription, event: SubscriptionEvent) =>
  new Error(
    `${event.type} cannot happen to a ${subscription.status} subscription ${subscription.subscriptionId}`,
  );
