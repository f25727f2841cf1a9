import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustTo,
  amendmentCharge,
  at,
  authorizeOrder,
  authorizedSteps,
  capturedSteps,
  captureOrder,
  exhausted,
  history,
  initiate,
  orderCharge,
  outcome,
  raisedSteps,
  refused,
  spec,
  succeeded,
} from '../../../../test/support/payment-history.js';
import { operationIds } from './payment.js';

const authorizing = [initiate];

describe('initiating a payment, exactly', () => {
  it('records every field of the request and queues the authorization of the order charge', () => {
    const { type: _type, ...fields } = initiate;
    spec
      .given([])
      .when(initiate)
      .then([
        { type: 'PaymentInitiated', ...fields, at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'authorize',
            operationId: authorizeOrder,
            chargeId: orderCharge,
            amount: 5000,
            purpose: { kind: 'order' },
            capture: false,
          },
          at,
        },
      ]);
  });

  it('refuses an amount that is negative or has fractions of a cent, and takes a zero amount', () => {
    for (const amount of [-1, 12.5]) {
      spec
        .given([])
        .when({ ...initiate, amount })
        .thenThrows('PAYMENTS.INVALID_AMOUNT');
    }
    spec
      .given([])
      .when({ ...initiate, amount: 0 })
      .thenState((payment) => {
        assert.equal(payment.amount, 0);
      });
  });

  it('refuses any other command for a payment that does not exist', () => {
    spec.given([]).when({ type: 'CancelPayment' }).thenThrows('PAYMENTS.NOT_FOUND');
  });
});

describe('capture guards', () => {
  it('takes nothing from a payment cancelled while its authorization is in flight', () => {
    spec
      .given(history(...authorizing, { type: 'CancelPayment' }))
      .when({ type: 'CapturePayment', amount: 5000 })
      .thenNothingHappened();
  });

  it('does not ask again for a capture the provider refused', () => {
    const captureRefused = history(
      ...authorizedSteps,
      { type: 'CapturePayment', amount: 5000 },
      outcome(captureOrder, refused),
    );
    spec.given(captureRefused).when({ type: 'CapturePayment', amount: 5000 }).thenNothingHappened();
  });

  it('records a refused capture as a failure of the capture stage', () => {
    spec
      .given(history(...authorizedSteps, { type: 'CapturePayment', amount: 5000 }))
      .when(outcome(captureOrder, refused))
      .then([
        {
          type: 'ChargeFailed',
          chargeId: orderCharge,
          stage: 'capture',
          reason: 'declined',
          code: 'do_not_honor',
          message: 'Refused.',
          attempts: 1,
          at,
        },
      ]);
  });

  it('records the capture the provider made, with its reference', () => {
    spec
      .given(history(...authorizedSteps, { type: 'CapturePayment', amount: 5000 }))
      .when(outcome(captureOrder, succeeded('pi_1')))
      .then([{ type: 'ChargeCaptured', chargeId: orderCharge, reference: 'pi_1', at }]);
  });
});

describe('cancellation, exactly', () => {
  it('records the reason given and releases the authorization', () => {
    spec
      .given(history(...authorizedSteps))
      .when({ type: 'CancelPayment', reason: 'out of stock' })
      .then([
        { type: 'CancellationRequested', reason: 'out of stock', at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'release',
            operationId: operationIds.release(orderCharge),
            chargeId: orderCharge,
            amount: 5000,
            reason: 'order_cancelled',
          },
          at,
        },
      ]);
  });

  it('records no reason when none is given, and refunds the captured amount', () => {
    spec
      .given(history(...capturedSteps))
      .when({ type: 'CancelPayment' })
      .then([
        { type: 'CancellationRequested', at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'refund',
            operationId: operationIds.refund(orderCharge, 'order_cancelled'),
            chargeId: orderCharge,
            amount: 5000,
            reason: 'order_cancelled',
          },
          at,
        },
      ]);
  });

  it('refunds every captured charge of an amended order, once each', () => {
    spec
      .given(history(...raisedSteps))
      .when({ type: 'CancelPayment' })
      .thenState((payment) => {
        assert.deepEqual(
          payment.pending.map(({ kind, chargeId, amount }) => ({ kind, chargeId, amount })),
          [
            { kind: 'refund', chargeId: orderCharge, amount: 5000 },
            { kind: 'refund', chargeId: amendmentCharge(1), amount: 2000 },
          ],
        );
      });
  });

  it('waits for the charge of an amendment in flight, then refunds it once captured', () => {
    const cancelledWhileCharging = history(...capturedSteps, adjustTo(1, 5000, 7000), {
      type: 'CancelPayment',
    });
    assert.deepEqual(
      cancelledWhileCharging
        .flatMap((event) => (event.type === 'OperationQueued' ? [event.operation.operationId] : []))
        .slice(-1),
      [operationIds.refund(orderCharge, 'order_cancelled')],
      'nothing is given back for the amendment charge while the provider may still take it',
    );
    spec
      .given(cancelledWhileCharging)
      .when(outcome(operationIds.authorize(amendmentCharge(1)), succeeded('pi_2')))
      .thenState((payment) => {
        assert.deepEqual(
          payment.pending.map(({ operationId, amount }) => ({ operationId, amount })),
          [
            { operationId: operationIds.refund(orderCharge, 'order_cancelled'), amount: 5000 },
            { operationId: operationIds.refund(amendmentCharge(1), 'order_cancelled'), amount: 2000 },
          ],
        );
      });
  });

  it('ignores an outcome for an operation it never queued, even while another is pending', () => {
    for (const steps of [authorizedSteps, authorizing]) {
      spec
        .given(history(...steps))
        .when(outcome('not-an-operation', succeeded('pi_9')))
        .thenNothingHappened();
    }
  });
});

describe('withdrawing an operation', () => {
  it('keeps the charge of an amendment even when the order is cancelled', () => {
    const amendmentAuthorize = operationIds.authorize(amendmentCharge(1));
    spec
      .given(history(...capturedSteps, adjustTo(1, 5000, 7000), { type: 'CancelPayment' }))
      .when({ type: 'WithdrawOperation', operationId: amendmentAuthorize })
      .thenNothingHappened();
  });

  it('keeps a release the cancellation asked for', () => {
    spec
      .given(history(...authorizedSteps, { type: 'CancelPayment' }))
      .when({ type: 'WithdrawOperation', operationId: operationIds.release(orderCharge) })
      .thenNothingHappened();
  });

  it('abandons the order charge of a cancelled order with the event that names it', () => {
    spec
      .given(history(...authorizing, { type: 'CancelPayment' }))
      .when({ type: 'WithdrawOperation', operationId: authorizeOrder })
      .then([{ type: 'ChargeAbandoned', chargeId: orderCharge, at }]);
  });
});

describe('adjustment guards', () => {
  it('refuses a second amendment while the first is settling', () => {
    spec
      .given(history(...capturedSteps, adjustTo(1, 5000, 7000)))
      .when(adjustTo(2, 7000, 8000))
      .thenThrows('PAYMENTS.ADJUSTMENT_IN_PROGRESS');
  });

  it('refuses an amended total that is not an amount in cents', () => {
    spec
      .given(history(...capturedSteps))
      .when(adjustTo(1, 5000, -100))
      .thenThrows('PAYMENTS.INVALID_AMOUNT');
  });

  it('refunds a fall from the newest charge first, then from the older one', () => {
    const refund = (chargeId: string, amount: number) => ({
      kind: 'refund' as const,
      operationId: operationIds.refund(chargeId, 'order_amended', 2),
      chargeId,
      amount,
      reason: 'order_amended' as const,
      amendment: 2,
    });
    spec
      .given(history(...raisedSteps))
      .when(adjustTo(2, 7000, 1000))
      .then([
        { type: 'AdjustmentRequested', amendment: 2, previousAmount: 7000, amount: 1000, at },
        { type: 'OperationQueued', operation: refund(amendmentCharge(1), 2000), at },
        { type: 'OperationQueued', operation: refund(orderCharge, 4000), at },
      ]);
  });

  it('answers a fall with the amount refunded once every refund succeeded', () => {
    const refundId = operationIds.refund(orderCharge, 'order_amended', 1);
    spec
      .given(history(...capturedSteps, adjustTo(1, 5000, 3000)))
      .when(outcome(refundId, succeeded('re_1')))
      .then([
        { type: 'RefundSucceeded', refundId, reference: 're_1', at },
        { type: 'AdjustmentSettled', amendment: 1, charged: 0, refunded: 2000, at },
      ]);
  });

  it('waits for every refund of a fall before answering it', () => {
    const refundOf = (chargeId: string) => operationIds.refund(chargeId, 'order_amended', 2);
    spec
      .given(history(...raisedSteps, adjustTo(2, 7000, 1000)))
      .when(outcome(refundOf(amendmentCharge(1)), succeeded('re_1')))
      .then([{ type: 'RefundSucceeded', refundId: refundOf(amendmentCharge(1)), reference: 're_1', at }]);
  });

  it('answers each rise with the charge of its own amendment, not an earlier one', () => {
    const secondRise = operationIds.authorize(amendmentCharge(2));
    spec
      .given(history(...raisedSteps))
      .when(adjustTo(2, 7000, 7500))
      .then([
        { type: 'AdjustmentRequested', amendment: 2, previousAmount: 7000, amount: 7500, at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'authorize',
            operationId: secondRise,
            chargeId: amendmentCharge(2),
            amount: 500,
            purpose: { kind: 'amendment', amendment: 2 },
            capture: true,
          },
          at,
        },
      ]);
    spec
      .given(history(...raisedSteps, adjustTo(2, 7000, 7500)))
      .when(outcome(secondRise, succeeded('pi_3')))
      .then([
        { type: 'ChargeAuthorized', chargeId: amendmentCharge(2), reference: 'pi_3', captured: true, at },
        { type: 'AdjustmentSettled', amendment: 2, charged: 500, refunded: 0, at },
      ]);
  });

  it('fails a fall when one of its refunds fails, though another succeeded first', () => {
    const refundOf = (chargeId: string) => operationIds.refund(chargeId, 'order_amended', 2);
    spec
      .given(
        history(
          ...raisedSteps,
          adjustTo(2, 7000, 1000),
          outcome(refundOf(amendmentCharge(1)), succeeded('re_1')),
        ),
      )
      .when(outcome(refundOf(orderCharge), refused))
      .then([
        {
          type: 'RefundFailed',
          refundId: refundOf(orderCharge),
          reason: 'declined',
          code: 'do_not_honor',
          message: 'Refused.',
          attempts: 1,
          at,
        },
        {
          type: 'AdjustmentFailed',
          amendment: 2,
          reason: 'declined',
          code: 'do_not_honor',
          message: 'Refused.',
          at,
        },
      ]);
  });

  it('fails the adjustment when a refund of the fall fails, with the reason the provider gave', () => {
    const refundId = operationIds.refund(orderCharge, 'order_amended', 1);
    spec
      .given(history(...capturedSteps, adjustTo(1, 5000, 3000)))
      .when(outcome(refundId, exhausted))
      .then([
        {
          type: 'RefundFailed',
          refundId,
          reason: 'provider_unavailable',
          code: 'timeout',
          message: 'No answer.',
          attempts: 5,
          at,
        },
        {
          type: 'AdjustmentFailed',
          amendment: 1,
          reason: 'provider_unavailable',
          code: 'timeout',
          message: 'No answer.',
          at,
        },
      ]);
  });
});
