import type { Sql } from '../../../platform/db/database.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { currentTraceparent } from '../../../platform/observability/message-spans.js';
import { decide, evolve, type Payment, type PaymentCommand, type PaymentEvent } from '../domain/index.js';
import { insertOperations, type NewOperation } from '../infrastructure/operation-store.js';
import {
  insertPayments,
  lockPayments,
  savePayments,
  type NewPayment,
} from '../infrastructure/payment-repository.js';
import { publish } from './publish.js';

export type PaymentChangeCommand = Exclude<PaymentCommand, { type: 'InitiatePayment' }>;

/** A command to a payment, in the unit of work of the message or request that asks for it. */
export interface PaymentChange {
  readonly uow: UnitOfWork;
  readonly paymentId: string;
  readonly command: PaymentChangeCommand;
}

/** What one unit of work decided about one payment: the state before (none for a new one) and the events. */
export interface PaymentDecision {
  readonly uow: UnitOfWork;
  readonly before: Payment | undefined;
  readonly events: readonly PaymentEvent[];
}

/**
 * Applies commands to payments in the caller's transaction: one statement locks the payments (in
 * key order, so concurrent batches cannot deadlock), and `commitDecisions` stores the outcome. The
 * commands run in the order given, several to one payment each seeing the state the one before
 * left. Returns the payments as they end up.
 */
export async function changePayments(
  sql: Sql,
  bell: Bell,
  changes: readonly PaymentChange[],
): Promise<Map<string, Payment>> {
  const locked = await lockPayments(
    sql,
    changes.map((change) => change.paymentId),
  );
  const payments = new Map([...locked].map(([paymentId, stored]) => [paymentId, stored.payment]));
  const decisions: PaymentDecision[] = [];
  for (const { uow, paymentId, command } of changes) {
    const before = payments.get(paymentId);
    const events = decide(before, command, uow.now);
    if (!before || events.length === 0) continue;
    decisions.push({ uow, before, events });
    payments.set(paymentId, events.reduce<Payment>(evolve, before));
  }
  await commitDecisions(sql, bell, decisions);
  return payments;
}

/** Applies one command to one payment: `changePayments` for a batch of one. */
export async function changePayment(
  uow: UnitOfWork,
  bell: Bell,
  paymentId: string,
  command: PaymentChangeCommand,
): Promise<Payment | undefined> {
  return (await changePayments(uow.sql, bell, [{ uow, paymentId, command }])).get(paymentId);
}

/**
 * Stores the payments as the decisions leave them, queues the provider operations they ask for and
 * publishes, each in its own unit of work, what other services need to hear: one statement per
 * table for the lot, in the caller's transaction. Decisions about one payment follow each other in
 * the order given. Fails when an order given a new payment has one already.
 */
export async function commitDecisions(
  sql: Sql,
  bell: Bell,
  decisions: readonly PaymentDecision[],
): Promise<void> {
  const created = new Map<string, NewPayment>();
  const changed = new Map<string, Payment>();
  const operations: NewOperation[] = [];
  const now = decisions[0]?.uow.now;
  for (const { uow, before, events } of decisions) {
    let state = before;
    for (const event of events) {
      state = evolve(state, event);
      publish(uow, state, event);
      if (event.type === 'OperationQueued') operations.push(queued(uow, state, event.operation));
    }
    if (!state) throw new Error('a payment decision left no payment');
    const { paymentId } = state;
    const stored = created.get(paymentId);
    if (before === undefined || stored) {
      created.set(paymentId, {
        payment: state,
        correlationId: stored?.correlationId ?? uow.origin.correlationId,
      });
    } else changed.set(paymentId, state);
  }
  if (now === undefined) return;
  const taken = await insertPayments(sql, [...created.values()], now);
  if (taken.length > 0) throw new Error(`order ${taken.join(', ')} got a payment concurrently`);
  await savePayments(sql, [...changed.values()], now);
  await insertOperations(sql, operations);
  // Before commit: on one connection the worker's claim waits for this transaction; on a pool it
  // may run first and miss the rows, which its next poll picks up.
  if (operations.length > 0) bell.ring();
}

function queued(
  uow: UnitOfWork,
  payment: Payment,
  operation: Extract<PaymentEvent, { type: 'OperationQueued' }>['operation'],
): NewOperation {
  return {
    operationId: operation.operationId,
    paymentId: payment.paymentId,
    kind: operation.kind,
    providerReference: payment.charges.find((charge) => charge.chargeId === operation.chargeId)?.reference,
    correlationId: uow.origin.correlationId,
    // What the worker publishes about the operation is caused by what asked for it.
    causationId: uow.origin.causationId,
    traceparent: currentTraceparent(uow.origin.traceparent),
    actor: uow.origin.actor,
    createdAt: uow.now,
  };
}
