import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deciderSpec } from '../../../../test/support/decider-spec.js';
import type { OperationOutcome, PaymentCommand } from './commands.js';
import { decide } from './decide.js';
import type { PaymentEvent } from './events.js';
import { evolve } from './evolve.js';
import { operationIds, type Operation, type Payment } from './payment.js';
import { afterUnavailable, reconcileDelayMs } from './retry.js';

const now = new Date('2026-07-04T14:48:00.000Z');
const at = now.toISOString();
const spec = deciderSpec({ decide, evolve }, now);

const paymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const orderCharge = operationIds.orderCharge(paymentId);
const authorizeOrder = operationIds.authorize(orderCharge);
const captureOrder = operationIds.capture(orderCharge);

const initiate: PaymentCommand = {
  type: 'InitiatePayment',
  paymentId,
  orderId: '0b4e7f3a-5c1d-4e2a-9f6b-8a7c3d2e1f00',
  userId: '3f2b8c1e-7a4d-4b9e-8c6f-1d2e3f4a5b6c',
  amount: 5998,
  method: 'Credit Card',
  token: 'tok_visa',
  currency: 'usd',
};

const initiated: PaymentEvent[] = decide(undefined, initiate, now);
const succeeded = (reference: string): OperationOutcome => ({ kind: 'succeeded', reference });
const outcome = (operationId: string, result: OperationOutcome): PaymentCommand => ({
  type: 'RecordOutcome',
  operationId,
  outcome: result,
});
const declined: OperationOutcome = {
  kind: 'refused',
  code: 'card_declined',
  message: 'Your card was declined.',
  attempts: 1,
};

/** The events of a history of commands, each decided on the state the previous ones left. */
function history(...commands: PaymentCommand[]): PaymentEvent[] {
  const events: PaymentEvent[] = [];
  let state: Payment | undefined;
  for (const command of commands) {
    const decided = decide(state, command, now);
    events.push(...decided);
    state = decided.reduce<Payment | undefined>(evolve, state);
  }
  return events;
}

const authorized = history(initiate, outcome(authorizeOrder, succeeded('pi_1')));
const captured = history(
  initiate,
  outcome(authorizeOrder, succeeded('pi_1')),
  { type: 'CapturePayment', amount: 5998 },
  outcome(captureOrder, succeeded('pi_1')),
);

const stateOf = (events: readonly PaymentEvent[]): Payment | undefined =>
  events.reduce<Payment | undefined>(evolve, undefined);

const queuedOperations = (events: readonly PaymentEvent[]): Operation[] =>
  events.flatMap((event) => (event.type === 'OperationQueued' ? [event.operation] : []));

describe('initiating a payment', () => {
  it("queues the authorization of the order's amount, not its capture", () => {
    spec
      .given([])
      .when(initiate)
      .thenState((payment) => {
        assert.equal(payment.status, 'authorizing');
        assert.deepEqual(payment.pending, [
          {
            kind: 'authorize',
            operationId: authorizeOrder,
            chargeId: orderCharge,
            amount: 5998,
            purpose: { kind: 'order' },
            capture: false,
          },
        ]);
      });
  });

  it('treats a second request for the same order as nothing new', () => {
    spec.given(initiated).when(initiate).thenNothingHappened();
  });
});

describe('authorization outcome', () => {
  it('holds the authorized amount and waits for the capture', () => {
    spec
      .given(initiated)
      .when(outcome(authorizeOrder, succeeded('pi_1')))
      .then([{ type: 'ChargeAuthorized', chargeId: orderCharge, reference: 'pi_1', captured: false, at }]);
  });

  it('fails the payment when the provider declines, keeping the reason', () => {
    spec
      .given(initiated)
      .when(outcome(authorizeOrder, declined))
      .thenState((payment) => {
        assert.equal(payment.status, 'failed');
        assert.deepEqual(payment.charges[0]?.failure, {
          stage: 'authorization',
          reason: 'declined',
          code: 'card_declined',
          message: 'Your card was declined.',
          attempts: 1,
        });
      });
  });

  it('reports a provider that failed on every attempt apart from a decline', () => {
    const exhausted: OperationOutcome = {
      kind: 'exhausted',
      code: 'rate_limit',
      message: 'busy',
      attempts: 4,
    };
    spec
      .given(initiated)
      .when(outcome(authorizeOrder, exhausted))
      .thenState((payment) => {
        assert.equal(payment.charges[0]?.failure?.reason, 'provider_unavailable');
      });
  });

  it('ignores an outcome for an operation that is already settled', () => {
    spec
      .given(authorized)
      .when(outcome(authorizeOrder, succeeded('pi_2')))
      .thenNothingHappened();
  });
});

describe('capture', () => {
  it('captures the authorized amount once', () => {
    spec
      .given(authorized)
      .when({ type: 'CapturePayment', amount: 5998 })
      .then([
        {
          type: 'OperationQueued',
          operation: { kind: 'capture', operationId: captureOrder, chargeId: orderCharge, amount: 5998 },
          at,
        },
      ]);
    spec
      .given(
        history(initiate, outcome(authorizeOrder, succeeded('pi_1')), {
          type: 'CapturePayment',
          amount: 5998,
        }),
      )
      .when({ type: 'CapturePayment', amount: 5998 })
      .thenNothingHappened();
    spec.given(captured).when({ type: 'CapturePayment', amount: 5998 }).thenNothingHappened();
  });

  it('refuses to capture a payment that is not authorized yet', () => {
    spec
      .given(initiated)
      .when({ type: 'CapturePayment', amount: 5998 })
      .thenThrows('PAYMENTS.NOT_AUTHORIZED');
  });

  it('refuses to capture another amount than the one authorized', () => {
    spec
      .given(authorized)
      .when({ type: 'CapturePayment', amount: 6000 })
      .thenThrows('PAYMENTS.AMOUNT_MISMATCH');
  });

  it('completes the payment when the capture succeeds', () => {
    assert.equal(stateOf(captured)?.status, 'captured');
    assert.deepEqual(stateOf(captured)?.pending, []);
  });
});

describe('cancellation', () => {
  it('releases an authorization that was never captured', () => {
    spec
      .given(authorized)
      .when({ type: 'CancelPayment', reason: 'changed my mind' })
      .thenState((payment) => {
        assert.equal(payment.status, 'cancelling');
        assert.deepEqual(
          payment.pending.map((operation) => operation.kind),
          ['release'],
        );
      });
  });

  it('refunds a captured payment in full, once however often it is cancelled', () => {
    spec
      .given(captured)
      .when({ type: 'CancelPayment' })
      .thenState((payment) => {
        assert.deepEqual(
          payment.refunds.map(({ method, amount, state }) => ({ method, amount, state })),
          [{ method: 'refund', amount: 5998, state: 'pending' }],
        );
      });
    const afterCancel = history(
      initiate,
      outcome(authorizeOrder, succeeded('pi_1')),
      { type: 'CapturePayment', amount: 5998 },
      outcome(captureOrder, succeeded('pi_1')),
      { type: 'CancelPayment' },
    );
    spec.given(afterCancel).when({ type: 'CancelPayment' }).thenNothingHappened();
  });

  it('waits for an authorization in flight, then releases it', () => {
    const cancelledWhileAuthorizing = history(initiate, { type: 'CancelPayment' });
    spec
      .given(cancelledWhileAuthorizing)
      .when(outcome(authorizeOrder, succeeded('pi_1')))
      .thenState((payment) => {
        assert.equal(payment.charges[0]?.state, 'authorized');
        assert.deepEqual(
          payment.pending.map((operation) => operation.operationId),
          [operationIds.release(orderCharge)],
        );
      });
  });

  it('withdraws the authorization of a cancelled order the provider was never asked about', () => {
    spec
      .given(history(initiate, { type: 'CancelPayment' }))
      .when({ type: 'WithdrawOperation', operationId: authorizeOrder })
      .thenState((payment) => {
        assert.equal(payment.status, 'cancelled');
        assert.equal(payment.charges[0]?.state, 'abandoned');
        assert.deepEqual(payment.pending, []);
      });
  });

  it('keeps an operation that is still wanted', () => {
    spec
      .given(initiated)
      .when({ type: 'WithdrawOperation', operationId: authorizeOrder })
      .thenNothingHappened();
  });

  it('releases the authorization a failed capture left behind', () => {
    const captureFailed = history(
      initiate,
      outcome(authorizeOrder, succeeded('pi_1')),
      { type: 'CapturePayment', amount: 5998 },
      outcome(captureOrder, {
        kind: 'refused',
        code: 'expired',
        message: 'Authorization expired',
        attempts: 1,
      }),
    );
    assert.equal(stateOf(captureFailed)?.status, 'failed');
    spec
      .given(captureFailed)
      .when({ type: 'CancelPayment' })
      .thenState((payment) => {
        assert.deepEqual(
          payment.pending.map((operation) => operation.kind),
          ['release'],
        );
      });
  });

  it('does not ask again for a cancellation refund the provider refused', () => {
    const refundOrder = operationIds.refund(orderCharge, 'order_cancelled');
    const refundRefused = history(
      initiate,
      outcome(authorizeOrder, succeeded('pi_1')),
      { type: 'CapturePayment', amount: 5998 },
      outcome(captureOrder, succeeded('pi_1')),
      { type: 'CancelPayment' },
      outcome(refundOrder, declined),
    );
    const state = stateOf(refundRefused);
    assert.deepEqual(state?.pending, []);
    assert.deepEqual(
      state.refunds.map(({ refundId, state: refund }) => ({ refundId, refund })),
      [{ refundId: refundOrder, refund: 'failed' }],
    );
    assert.equal(
      queuedOperations(refundRefused).filter(({ operationId }) => operationId === refundOrder).length,
      1,
    );
    spec.given(refundRefused).when({ type: 'CancelPayment' }).thenNothingHappened();
    spec
      .given(refundRefused)
      .when(outcome(refundOrder, succeeded('re_1')))
      .thenNothingHappened();
  });

  it('does not ask again for a release of the authorization the provider refused', () => {
    const releaseOrder = operationIds.release(orderCharge);
    const releaseRefused = history(
      initiate,
      outcome(authorizeOrder, succeeded('pi_1')),
      { type: 'CancelPayment' },
      outcome(releaseOrder, declined),
    );
    assert.deepEqual(stateOf(releaseRefused)?.pending, []);
    assert.equal(
      queuedOperations(releaseRefused).filter(({ operationId }) => operationId === releaseOrder).length,
      1,
    );
    spec.given(releaseRefused).when({ type: 'CancelPayment' }).thenNothingHappened();
  });

  it('gives nothing back for a payment that was declined', () => {
    spec
      .given(history(initiate, outcome(authorizeOrder, declined)))
      .when({ type: 'CancelPayment' })
      .thenState((payment) => {
        assert.equal(payment.status, 'cancelled');
        assert.deepEqual(payment.pending, []);
      });
  });
});

describe('adjustment for an amendment', () => {
  const up: PaymentCommand = { type: 'AdjustPayment', amendment: 1, previousAmount: 5998, amount: 8997 };
  const down: PaymentCommand = { type: 'AdjustPayment', amendment: 1, previousAmount: 5998, amount: 2999 };
  const amendmentCharge = operationIds.amendmentCharge(paymentId, 1);

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
      .given([...captured, ...decide(stateOf(captured), up, now)])
      .when(outcome(operationIds.authorize(amendmentCharge), succeeded('pi_2')))
      .then([
        { type: 'ChargeAuthorized', chargeId: amendmentCharge, reference: 'pi_2', captured: true, at },
        { type: 'AdjustmentSettled', amendment: 1, charged: 2999, refunded: 0, at },
      ]);
  });

  it('fails the adjustment and restores the amount when the rise is declined', () => {
    spec
      .given([...captured, ...decide(stateOf(captured), up, now)])
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
    const amendedDown = history(
      initiate,
      outcome(authorizeOrder, succeeded('pi_1')),
      { type: 'CapturePayment', amount: 5998 },
      outcome(captureOrder, succeeded('pi_1')),
      down,
      outcome(refundId, succeeded('re_1')),
    );
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
    spec
      .given([...captured, ...decide(stateOf(captured), up, now)])
      .when(up)
      .thenNothingHappened();
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

describe('retry policy', () => {
  const policy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 250 };

  it('backs off exponentially up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3].map((attempts) => afterUnavailable({ ...policy, maxAttempts: 9 }, attempts)),
      [100, 200, 250].map((delayMs) => ({ action: 'retry', delayMs })),
    );
  });

  it('gives up after the last attempt the provider did not act on', () => {
    assert.deepEqual(afterUnavailable(policy, 2), { action: 'retry', delayMs: 200 });
    assert.deepEqual(afterUnavailable(policy, 3), { action: 'give_up' });
  });

  it('asks the provider about an unanswered call after the base delay first', () => {
    assert.equal(reconcileDelayMs(policy, 0), 100);
  });
});
