import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  at,
  authorized,
  authorizeOrder,
  captured,
  captureOrder,
  capturing,
  declined,
  history,
  initiate,
  initiated,
  orderCharge,
  outcome,
  queuedOperations,
  spec,
  stateOf,
  succeeded,
} from '../../../../test/support/payment-histories.js';
import type { OperationOutcome } from './commands.js';
import { operationIds } from './payment.js';

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
    const afterCancel = history(...capturing, { type: 'CancelPayment' });
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
    const refundRefused = history(...capturing, { type: 'CancelPayment' }, outcome(refundOrder, declined));
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
