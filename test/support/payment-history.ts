import { decide } from '../../src/services/payments/domain/decide.js';
import type { OperationOutcome, PaymentCommand } from '../../src/services/payments/domain/commands.js';
import type { PaymentEvent } from '../../src/services/payments/domain/events.js';
import { evolve } from '../../src/services/payments/domain/evolve.js';
import { operationIds, type Payment } from '../../src/services/payments/domain/payment.js';
import { deciderSpec } from './decider-spec.js';

/** A payment of 5000 cents and the commands that take it through its life, for payment decider specs. */
export const now = new Date('2026-07-04T14:48:00.000Z');
export const at = now.toISOString();
export const spec = deciderSpec({ decide, evolve }, now);

export const paymentId = '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098';
export const orderCharge = operationIds.orderCharge(paymentId);
export const authorizeOrder = operationIds.authorize(orderCharge);
export const captureOrder = operationIds.capture(orderCharge);
export const amendmentCharge = (amendment: number) => operationIds.amendmentCharge(paymentId, amendment);

export const initiate: Extract<PaymentCommand, { type: 'InitiatePayment' }> = {
  type: 'InitiatePayment',
  paymentId,
  orderId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
  userId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d',
  amount: 5000,
  method: 'PayPal',
  token: 'tok_paypal',
  currency: 'eur',
};
export const succeeded = (reference: string): OperationOutcome => ({ kind: 'succeeded', reference });
export const refused: OperationOutcome = {
  kind: 'refused',
  code: 'do_not_honor',
  message: 'Refused.',
  attempts: 1,
};
export const exhausted: OperationOutcome = {
  kind: 'exhausted',
  code: 'timeout',
  message: 'No answer.',
  attempts: 5,
};
export const outcome = (operationId: string, result: OperationOutcome): PaymentCommand => ({
  type: 'RecordOutcome',
  operationId,
  outcome: result,
});
export const adjustTo = (amendment: number, previousAmount: number, amount: number): PaymentCommand => ({
  type: 'AdjustPayment',
  amendment,
  previousAmount,
  amount,
});
export const capture: PaymentCommand = { type: 'CapturePayment', amount: 5000 };
export const cancel: PaymentCommand = { type: 'CancelPayment' };

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

export const authorizedSteps: PaymentCommand[] = [initiate, outcome(authorizeOrder, succeeded('pi_1'))];
export const capturedSteps: PaymentCommand[] = [
  ...authorizedSteps,
  capture,
  outcome(captureOrder, succeeded('pi_1')),
];
/** Captured 5000, then raised by 2000 in amendment 1, captured at once in a second charge. */
export const raisedSteps: PaymentCommand[] = [
  ...capturedSteps,
  adjustTo(1, 5000, 7000),
  outcome(operationIds.authorize(amendmentCharge(1)), succeeded('pi_2')),
];
