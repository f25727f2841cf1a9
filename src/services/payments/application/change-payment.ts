import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { decide, evolve, type Payment, type PaymentCommand, type PaymentEvent } from '../domain/index.js';
import { insertOperation } from '../infrastructure/operation-store.js';
import { insertPayment, lockPayment, savePayment } from '../infrastructure/payment-repository.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { publish } from './publish.js';
import { currentTraceparent } from '../../../platform/observability/message-spans.js';

/** Loads the payment under a row lock, applies the command's events, stores and publishes them. */
export async function changePayment(
  uow: UnitOfWork,
  bell: Bell,
  paymentId: string,
  command: Exclude<PaymentCommand, { type: 'InitiatePayment' }>,
): Promise<Payment | undefined> {
  const stored = await lockPayment(uow.sql, paymentId);
  const events = decide(stored?.payment, command, uow.now);
  if (!stored || events.length === 0) return stored?.payment;
  return commit(uow, bell, stored.payment, events);
}

/**
 * Stores the payment as the events leave it, queues the provider operations they ask for and
 * publishes what other services need to hear: all in the caller's transaction.
 */
export async function commit(
  uow: UnitOfWork,
  bell: Bell,
  before: Payment | undefined,
  events: readonly PaymentEvent[],
): Promise<Payment> {
  let payment = before;
  for (const event of events) payment = evolve(payment, event);
  if (!payment) throw new Error('a payment decision left no payment');
  if (before) await savePayment(uow.sql, payment, uow.now);
  else if (!(await insertPayment(uow.sql, payment, uow.origin.correlationId, uow.now))) {
    throw new Error(`order ${payment.orderId} got a payment concurrently`);
  }
  let state = before;
  for (const event of events) {
    state = evolve(state, event);
    publish(uow, state, event);
    if (event.type !== 'OperationQueued') continue;
    const { operation } = event;
    await insertOperation(uow.sql, {
      operationId: operation.operationId,
      paymentId: state.paymentId,
      kind: operation.kind,
      providerReference: state.charges.find((charge) => charge.chargeId === operation.chargeId)?.reference,
      correlationId: uow.origin.correlationId,
      // What the worker publishes about the operation is caused by what asked for it.
      causationId: uow.origin.causationId,
      traceparent: currentTraceparent(uow.origin.traceparent),
      actor: uow.origin.actor,
      createdAt: uow.now,
    });
    // Before commit: on one connection the worker's claim waits for this transaction; on a pool it
    // may run first and miss the row, which its next poll picks up.
    bell.ring();
  }
  return payment;
}
