import { deciderSpec } from './decider-spec.js';
import type { OperationOutcome, PaymentCommand } from '../../src/services/payments/domain/commands.js';
import { decide } from '../../src/services/payments/domain/decide.js';
import type { PaymentEvent } from '../../src/services/payments/domain/events.js';
import { evolve } from '../../src/services/payments/domain/evolve.js';
import { operationIds, type Operation, type Payment } from '../../src/services/payments/domain/payment.js';

/** A payment's histories as the decider builds them, for the specs of the payment decider. */
export const now = new Date('2026-07-04T14:48:00.000Z');
export const at = now.toISOString();
export const spec = deciderSpec({ decide, evolve }, now);

export const paymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
export const orderCharge = operationIds.orderCharge(paymentId);
export const authorizeOrder = operationIds.authorize(orderCharge);
export const captureOrder = operationIds.capture(orderCharge);

export const initiate: PaymentCommand = {
  type: 'InitiatePayment',
  paymentId,
  orderId: '0b4e7f3a-5c1d-4e2a-9f6b-8a7c3d2e1f00',
  userId: '3f2b8c1e-7a4d-4b9e-8c6f-1d2e3f4a5b6c',
  amount: 5998,
  method: 'Credit Card',
  token: 'tok_visa',
  currency: 'usd',
};

export const initiated: PaymentEvent[] = decide(undefined, initiate, now);
export const succeeded = (reference: string): OperationOutcome => ({ kind: 'succeeded', reference });
export const outcome = (operationId: string, result: OperationOutcome): PaymentCommand => ({
  type: 'RecordOutcome',
  operationId,
  outcome: result,
});
export const declined: OperationOutcome = {
  kind: 'refused',
  code: 'card_declined',
  message: 'Your card was declined.',
  attempts: 1,
};

/** The events of a history of commands, each decided on the state the previous ones left. */
export function history(...commands: PaymentCommand[]): PaymentEvent[] {
  const events: PaymentEvent[] = [];
  let state: Payment | undefined;
  for (const command of commands) {
    const decided = decide(state, command, now);
    events.push(...decided);
    state = decided.reduce<Payment | undefined>(evolve, state);
  }
  return events;
}

export const authorized = history(initiate, outcome(authorizeOrder, succeeded('pi_1')));
/** The commands that take the payment to its amount captured, for histories that go on from there. */
export const capturing: PaymentCommand[] = [
  initiate,
  outcome(authorizeOrder, succeeded('pi_1')),
  { type: 'CapturePayment', amount: 5998 },
  outcome(captureOrder, succeeded('pi_1')),
];
export const captured = history(...capturing);

export const stateOf = (events: readonly PaymentEvent[]): Payment | undefined =>
  events.reduce<Payment | undefined>(evolve, undefined);

export const queuedOperations = (events: readonly PaymentEvent[]): Operation[] =>
  events.flatMap((event) => (event.type === 'OperationQueued' ? [event.operation] : []));
