import { SubscribeUser, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, evolve, type Subscription } from '../domain/index.js';
import { scheduleOperation } from '../infrastructure/provider-operations.js';
import { findSubscription, insertSubscription } from '../infrastructure/subscription-repository.js';
import { subscriptionRules } from '../domain/index.js';
import { fingerprintOf } from './fingerprint.js';
import { publish } from './publish.js';

export type SubscribeUserCommand = PayloadOf<typeof SubscribeUser>;

/** What the commands need besides their unit of work. */
export interface CommandDependencies {
  readonly ids: IdGenerator;
  /** Wakes the provider worker when a call to the provider was scheduled. */
  readonly wakeUp: { ring(): void };
}

export interface SubscriptionRequest {
  readonly subscription: Subscription;
  /** False when the same request was made before: the call was a retry. */
  readonly created: boolean;
}

/**
 * Records the subscription as pending and schedules its start at the provider. The client's
 * `subscriptionId` makes the request idempotent: the same request again returns the same
 * subscription (its `timestamp` aside), a different one under the same id is a conflict.
 */
export async function subscribeUser(
  uow: UnitOfWork,
  command: SubscribeUserCommand,
  deps: CommandDependencies,
): Promise<SubscriptionRequest> {
  const { subscriptionId, userId, customer, planId, paymentMethod } = command;
  const fingerprint = fingerprintOf([userId, customer.name, customer.email, planId, paymentMethod]);
  const events = decide(
    undefined,
    { type: 'RequestSubscription', subscriptionId, userId, customer, planId },
    uow.now,
  );
  const subscription = events.reduce<Subscription | undefined>(evolve, undefined);
  if (!subscription) throw new Error(`RequestSubscription left no subscription ${subscriptionId}`);

  const inserted = await insertSubscription(uow.sql, {
    subscription,
    correlationId: uow.origin.correlationId,
    requestFingerprint: fingerprint,
    createdAt: uow.now,
  });
  if (!inserted) {
    const existing = await findSubscription(uow.sql, subscriptionId);
    if (!existing) throw new Error(`Subscription ${subscriptionId} vanished while it was requested`);
    if (existing.requestFingerprint !== fingerprint) {
      throw subscriptionRules.conflict(
        'ID_REUSED',
        `Subscription ${subscriptionId} was requested before with a different body`,
      );
    }
    return { subscription: existing.subscription, created: false };
  }
  for (const event of events) publish(uow, subscription, event);
  await scheduleOperation(uow.sql, {
    kind: 'start',
    request: { subscriptionId, userId, customer, planId, paymentMethod },
    operationId: deps.ids.next(),
    subscriptionId,
    origin: uow.origin,
    createdAt: uow.now,
  });
  deps.wakeUp.ring();
  return { subscription, created: true };
}

/** `SubscribeUser` from the bus: the same command as `POST /subscriptions`. */
export const subscribeUserHandler = (deps: CommandDependencies): MessageHandler =>
  defineHandler({
    name: 'subscribe-user',
    contract: SubscribeUser,
    async handle({ payload }, uow) {
      await subscribeUser(uow, payload, deps);
    },
  });
