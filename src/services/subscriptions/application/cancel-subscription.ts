import { CancelSubscription, type PayloadOf } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import {
  decide,
  type CancellationMode,
  type CancellationRejectionReason,
  type Subscription,
} from '../domain/index.js';
import {
  findCancellationRequest,
  recordCancellationRequest,
} from '../infrastructure/cancellation-requests.js';
import { scheduleOperation } from '../infrastructure/provider-operations.js';
import { lockSubscription, saveSubscription } from '../infrastructure/subscription-repository.js';
import { applyEvents } from './apply.js';
import { subscriptionRules } from '../domain/index.js';
import { fingerprintOf } from './fingerprint.js';
import type { CommandDependencies } from './subscribe-user.js';

export type CancelSubscriptionCommand = PayloadOf<typeof CancelSubscription>;

/** The longest request id (idempotency key) accepted, as the events that carry it allow. */
export const MAX_REQUEST_ID_LENGTH = 255;

/** The answer to a request: the first answer again when the request is repeated. */
export type CancellationAnswer =
  | { readonly outcome: 'accepted'; readonly subscription: Subscription; readonly repeated: boolean }
  | {
      readonly outcome: 'rejected';
      readonly reason: CancellationRejectionReason;
      readonly repeated: boolean;
    };

/** The customer keeps what they paid for unless they ask otherwise. */
const modeOf = (command: CancelSubscriptionCommand): CancellationMode => command.mode ?? 'end_of_period';

/** What a request asks for, as a digest: the same request again has the same one. */
export function cancellationFingerprint(command: CancelSubscriptionCommand): string {
  const { subscriptionId, userId, reason } = command;
  return fingerprintOf([subscriptionId, userId, modeOf(command), reason ?? null]);
}

/**
 * Accepts a cancellation and schedules it at the provider, or rejects it with a reason (as an
 * event). `requestId` identifies the request: repeated, it changes nothing and gets the first
 * answer; reused for a different request, it is a conflict.
 */
export async function cancelSubscription(
  uow: UnitOfWork,
  command: CancelSubscriptionCommand,
  requestId: string,
  deps: CommandDependencies,
): Promise<CancellationAnswer> {
  const { subscriptionId, userId, reason } = command;
  const mode = modeOf(command);
  const fingerprint = cancellationFingerprint(command);
  const stored = await lockSubscription(uow.sql, subscriptionId);
  const events = decide(
    stored?.subscription,
    {
      type: 'RequestCancellation',
      ...{ subscriptionId, requestId, userId, mode },
      ...(reason === undefined ? {} : { reason }),
    },
    uow.now,
  );
  const rejection = events.find((event) => event.type === 'CancellationRejected');

  const first = await recordCancellationRequest(uow.sql, {
    requestId,
    subscriptionId,
    userId,
    fingerprint,
    outcome: rejection ? 'rejected' : 'accepted',
    rejectionReason: rejection?.reason ?? null,
    createdAt: uow.now,
  });
  if (!first) return repeatedAnswer(uow, requestId, fingerprint, stored?.subscription);

  const subscription = applyEvents(uow, stored?.subscription, events);
  if (rejection) return { outcome: 'rejected', reason: rejection.reason, repeated: false };
  if (!subscription || subscription.status !== 'cancelling') {
    throw new Error(
      `Cancellation ${requestId} was accepted but subscription ${subscriptionId} is not cancelling`,
    );
  }
  await saveSubscription(uow.sql, subscription, uow.now);
  await scheduleOperation(uow.sql, {
    kind: 'cancel',
    request: {
      providerSubscriptionId: subscription.provider.subscriptionId,
      mode,
      ...(reason === undefined ? {} : { reason }),
      currentPeriodEnd: subscription.currentPeriodEnd,
    },
    operationId: deps.ids.next(),
    subscriptionId,
    origin: uow.origin,
    createdAt: uow.now,
  });
  deps.wakeUp.ring();
  return { outcome: 'accepted', subscription, repeated: false };
}

async function repeatedAnswer(
  uow: UnitOfWork,
  requestId: string,
  fingerprint: string,
  subscription: Subscription | undefined,
): Promise<CancellationAnswer> {
  const first = await findCancellationRequest(uow.sql, requestId);
  if (!first) throw new Error(`Cancellation request ${requestId} vanished`);
  if (first.fingerprint !== fingerprint) {
    throw subscriptionRules.conflict(
      'REQUEST_ID_REUSED',
      `Request ${requestId} was made before with a different subscription, user, mode or reason`,
    );
  }
  if (first.outcome === 'rejected') {
    if (!first.rejectionReason) throw new Error(`Rejected request ${requestId} has no reason`);
    return { outcome: 'rejected', reason: first.rejectionReason, repeated: true };
  }
  if (!subscription) throw new Error(`Accepted request ${requestId} names no subscription`);
  return { outcome: 'accepted', subscription, repeated: true };
}

/**
 * `CancelSubscription` from the bus. The envelope's idempotency key identifies the request, so a
 * producer that publishes the same intent again (under a new message id) cancels once.
 */
export const cancelSubscriptionHandler = (deps: CommandDependencies): MessageHandler =>
  defineHandler({
    name: 'cancel-subscription',
    contract: CancelSubscription,
    async handle({ envelope, payload }, uow) {
      const requestId = envelope.idempotencykey;
      if (requestId.length > MAX_REQUEST_ID_LENGTH) {
        throw subscriptionRules.validation(
          'REQUEST_ID_TOO_LONG',
          `The idempotency key is ${requestId.length} characters; at most ${MAX_REQUEST_ID_LENGTH} are accepted`,
        );
      }
      await cancelSubscription(uow, payload, requestId, deps);
    },
  });
