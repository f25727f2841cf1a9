import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, type ProviderReport, type Subscription } from '../domain/index.js';
import { lockSubscription, saveSubscription } from '../infrastructure/subscription-repository.js';
import { applyEvents } from './apply.js';

/** Records what the provider answered or reported, under the subscription's row lock. */
export async function changeSubscription(
  uow: UnitOfWork,
  subscriptionId: string,
  command: ProviderReport,
): Promise<Subscription | undefined> {
  const stored = await lockSubscription(uow.sql, subscriptionId);
  const events = decide(stored?.subscription, command, uow.now);
  if (!stored || events.length === 0) return stored?.subscription;
  const subscription = applyEvents(uow, stored.subscription, events);
  if (!subscription) throw new Error(`Subscription ${subscriptionId} vanished while ${command.type}`);
  await saveSubscription(uow.sql, subscription, uow.now);
  return subscription;
}
