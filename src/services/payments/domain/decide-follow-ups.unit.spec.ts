import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  adjustTo,
  amendmentCharge,
  at,
  authorizedSteps,
  cancel,
  capture,
  capturedSteps,
  captureOrder,
  history,
  initiate,
  orderCharge,
  outcome,
  raisedSteps,
  spec,
  succeeded,
} from '../../../../test/support/payment-history.js';
import type { PaymentEvent } from './events.js';
import { operationIds } from './payment.js';

const queuedIds = (events: readonly PaymentEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'OperationQueued' ? [event.operation.operationId] : []));
const amendedRefund = (chargeId: string, amendment: number) =>
  operationIds.refund(chargeId, 'order_amended', amendment);
const cancellationRefund = (chargeId: string) => operationIds.refund(chargeId, 'order_cancelled');

describe('withdrawing an operation it never queued', () => {
  it('decides nothing, even for a cancelled order whose authorization is in flight', () => {
    spec
      .given(history(initiate, cancel))
      .when({ type: 'WithdrawOperation', operationId: 'not-an-operation' })
      .thenNothingHappened();
  });
});

describe('refunding a fall in the total', () => {
  it('refunds only the newest charge when it covers the fall', () => {
    spec
      .given(history(...raisedSteps))
      .when(adjustTo(2, 7000, 6000))
      .then([
        { type: 'AdjustmentRequested', amendment: 2, previousAmount: 7000, amount: 6000, at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'refund',
            operationId: amendedRefund(amendmentCharge(1), 2),
            chargeId: amendmentCharge(1),
            amount: 1000,
            reason: 'order_amended',
            amendment: 2,
          },
          at,
        },
      ]);
  });

  it('counts in its answer only the refunds of that amendment', () => {
    const firstFall = [
      ...capturedSteps,
      adjustTo(1, 5000, 4000),
      outcome(amendedRefund(orderCharge, 1), succeeded('re_1')),
    ];
    spec
      .given(history(...firstFall, adjustTo(2, 4000, 3500)))
      .when(outcome(amendedRefund(orderCharge, 2), succeeded('re_2')))
      .then([
        { type: 'RefundSucceeded', refundId: amendedRefund(orderCharge, 2), reference: 're_2', at },
        { type: 'AdjustmentSettled', amendment: 2, charged: 0, refunded: 500, at },
      ]);
  });
});

describe('giving back on cancellation', () => {
  it('waits for a capture in flight, then refunds what it took', () => {
    const cancelledWhileCapturing = history(...authorizedSteps, capture, cancel);
    assert.deepEqual(queuedIds(cancelledWhileCapturing).slice(-1), [captureOrder]);
    spec
      .given(cancelledWhileCapturing)
      .when(outcome(captureOrder, succeeded('pi_1')))
      .then([
        { type: 'ChargeCaptured', chargeId: orderCharge, reference: 'pi_1', at },
        {
          type: 'OperationQueued',
          operation: {
            kind: 'refund',
            operationId: cancellationRefund(orderCharge),
            chargeId: orderCharge,
            amount: 5000,
            reason: 'order_cancelled',
          },
          at,
        },
      ]);
  });

  it('refunds nothing more from a charge an amendment already paid back in full', () => {
    const raisedThenLowered = history(
      ...raisedSteps,
      adjustTo(2, 7000, 5000),
      outcome(amendedRefund(amendmentCharge(1), 2), succeeded('re_1')),
    );
    spec
      .given(raisedThenLowered)
      .when(cancel)
      .thenState((payment) => {
        assert.deepEqual(
          payment.pending.map(({ operationId, amount }) => ({ operationId, amount })),
          [{ operationId: cancellationRefund(orderCharge), amount: 5000 }],
        );
      });
  });
});
