import type { OperationOutcome, PaymentCommand } from '../../src/services/payments/domain/commands.js';
import { operationIds } from '../../src/services/payments/domain/payment.js';
import { outcome, succeeded } from './payment-histories.js';

export { at, history, outcome, spec, succeeded } from './payment-histories.js';

/** A payment of 5000 cents and the commands that take it through its life, for payment decider specs. */

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
export const adjustTo = (amendment: number, previousAmount: number, amount: number): PaymentCommand => ({
  type: 'AdjustPayment',
  amendment,
  previousAmount,
  amount,
});
export const capture: PaymentCommand = { type: 'CapturePayment', amount: 5000 };
export const cancel: PaymentCommand = { type: 'CancelPayment' };

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
