import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { evolve, type Subscription, type SubscriptionEvent } from '../domain/index.js';
import { publish } from './publish.js';

/** Applies the decided events in order, publishing each; returns the state after the last. */
export function applyEvents(
  uow: UnitOfWork,
  subscription: Subscription | undefined,
  events: readonly SubscriptionEvent[],
): Subscription | undefined {
  let state = subscription;
  for (const event of events) {
    state = evolve(state, event);
    publish(uow, state, event);
  }
  return state;
}
