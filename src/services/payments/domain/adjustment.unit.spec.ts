import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  at,
  authorized,
  captured,
  capturing,
  declined,
  history,
  now,
  orderCharge,
  outcome,
  paymentId,
  queuedOperations,
  spec,
  stateOf,
  succeeded,
} from '../../../../test/support/payment-histories.js';
import type { PaymentCommand } from './commands.js';
import { decide } from './decide.js';
import { operationIds } from './payment.js';

describe('adjustment for an amendment', () => {
  const up: PaymentCommand = { type: 'AdjustPayment', amendment: 1, previousAmount: 5998, amount: 8997 };
  const down: PaymentCommand = { type: 'AdjustPayment', amendment: 1, previousAmount: 5998, amount: 2999 };
  const amendmentCharge = operationIds.amendmentCharge(paymentId, 1);
  /** The captured payment with the rise `up` asked for. */
  const raising = [...captured, ...decide(stateOf(captured), up, now)];

  it('charges the rise in a separate charge, captured at once', () => {
    spec
      .given(captured)
      .when(up)
      .thenState((payment) => {
        assert.equal(payment.amount, 8997);
        assert.deepEqual(payment.pending, [
          {
            kind: 'authorize',
            operationId: operationIds.authorize(amendmentCharge),
            chargeId: amendmentCharge,
            amount: 2999,
            purpose: { kind: 'amendment', amendment: 1 },
            capture: true,
          },
        ]);
      });
  });

  it('settles the rise once the charge goes through', () => {
    spec
      .given(raising)
      .when(outcome(operationIds.authorize(amendmentCharge), succeeded('pi_2')))
      .then([
        { type: 'ChargeAuthorized', chargeId: amendmentCharge, reference: 'pi_2', captured: true, at },
        { type: 'AdjustmentSettled', amendment: 1, charged: 2999, refunded: 0, at },
      ]);
  });

  it('fails the adjustment and restores the amount when the rise is declined', () => {
    spec
      .given(raising)
      .when(outcome(operationIds.authorize(amendmentCharge), declined))
      .thenState((payment) => {
        assert.equal(payment.amount, 5998);
        assert.equal(payment.adjustments[0]?.state, 'failed');
        assert.equal(payment.status, 'captured');
      });
  });

  it('refunds a fall in the total', () => {
    const refundId = operationIds.refund(orderCharge, 'order_amended', 1);
    spec
      .given(captured)
      .when(down)
      .thenState((payment) => {
        assert.deepEqual(queuedOperations(decide(stateOf(captured), down, now)), [
          {
            kind: 'refund',
            operationId: refundId,
            chargeId: orderCharge,
            amount: 2999,
            reason: 'order_amended',
            amendment: 1,
          },
        ]);
        assert.equal(payment.amount, 2999);
      });
  });

  it('refunds only what is left after an amendment when the order is then cancelled', () => {
    const refundId = operationIds.refund(orderCharge, 'order_amended', 1);
    const amendedDown = history(...capturing, down, outcome(refundId, succeeded('re_1')));
    spec
      .given(amendedDown)
      .when({ type: 'CancelPayment' })
      .thenState((payment) => {
        assert.deepEqual(
          payment.refunds.map(({ amount, reason, state }) => ({ amount, reason, state })),
          [
            { amount: 2999, reason: 'order_amended', state: 'succeeded' },
            { amount: 2999, reason: 'order_cancelled', state: 'pending' },
          ],
        );
      });
  });

  it('answers an amendment that leaves the total as it was at once', () => {
    spec
      .given(captured)
      .when({ type: 'AdjustPayment', amendment: 1, previousAmount: 5998, amount: 5998 })
      .then([
        { type: 'AdjustmentRequested', amendment: 1, previousAmount: 5998, amount: 5998, at },
        { type: 'AdjustmentSettled', amendment: 1, charged: 0, refunded: 0, at },
      ]);
  });

  it('treats the same amendment twice as nothing new', () => {
    spec.given(raising).when(up).thenNothingHappened();
  });

  it('refuses to adjust a payment that is not captured', () => {
    spec.given(authorized).when(up).thenThrows('PAYMENTS.NOT_CAPTURED');
  });

  it('refuses an adjustment that starts from another total than the payment', () => {
    spec
      .given(captured)
      .when({ type: 'AdjustPayment', amendment: 1, previousAmount: 1000, amount: 2000 })
      .thenThrows('PAYMENTS.AMOUNT_MISMATCH');
  });
});
