import type { PaymentEvent } from './events.js';
import {
  operationIds,
  orderCharge,
  type Charge,
  type Operation,
  type Payment,
  type PaymentStatus,
  type Refund,
} from './payment.js';

/** Applies one event to the payment. `PaymentInitiated` creates it; every other event needs it. */
export function evolve(payment: Payment | undefined, event: PaymentEvent): Payment {
  if (event.type === 'PaymentInitiated') {
    const { type: _type, at, ...fields } = event;
    return {
      ...fields,
      status: 'authorizing',
      charges: [],
      refunds: [],
      adjustments: [],
      pending: [],
      initiatedAt: at,
    };
  }
  if (!payment) throw new Error(`${event.type} cannot apply to a payment that does not exist`);
  const next = apply(payment, event);
  return { ...next, status: statusOf(next) };
}

function apply(payment: Payment, event: Exclude<PaymentEvent, { type: 'PaymentInitiated' }>): Payment {
  switch (event.type) {
    case 'OperationQueued':
      return queue(payment, event.operation);
    case 'ChargeAuthorized':
      return updateCharge(settled(payment, operationIds.authorize(event.chargeId)), event.chargeId, {
        state: event.captured ? 'captured' : 'authorized',
        reference: event.reference,
      });
    case 'ChargeCaptured':
      return updateCharge(settled(payment, operationIds.capture(event.chargeId)), event.chargeId, {
        state: 'captured',
        reference: event.reference,
      });
    case 'ChargeFailed': {
      const { stage, reason, code, message, attempts } = event;
      const operationId =
        stage === 'authorization'
          ? operationIds.authorize(event.chargeId)
          : operationIds.capture(event.chargeId);
      // A failed capture leaves the authorization in place: a cancellation releases it.
      return updateCharge(settled(payment, operationId), event.chargeId, {
        ...(stage === 'authorization' ? { state: 'failed' } : {}),
        failure: { stage, reason, code, message, attempts },
      });
    }
    case 'ChargeAbandoned':
      return updateCharge(settled(payment, operationIds.authorize(event.chargeId)), event.chargeId, {
        state: 'abandoned',
      });
    case 'RefundSucceeded': {
      const refund = payment.refunds.find((each) => each.refundId === event.refundId);
      const after = updateRefund(settled(payment, event.refundId), event.refundId, {
        state: 'succeeded',
        reference: event.reference,
      });
      return refund?.method === 'authorization_release'
        ? updateCharge(after, refund.chargeId, { state: 'released' })
        : after;
    }
    case 'RefundFailed': {
      const { reason, code, message, attempts } = event;
      return updateRefund(settled(payment, event.refundId), event.refundId, {
        state: 'failed',
        failure: { reason, code, message, attempts },
      });
    }
    case 'CancellationRequested':
      return {
        ...payment,
        cancellation: { ...(event.reason ? { reason: event.reason } : {}), at: event.at },
      };
    case 'AdjustmentRequested': {
      const { amendment, previousAmount, amount } = event;
      return {
        ...payment,
        amount,
        adjustments: [...payment.adjustments, { amendment, previousAmount, amount, state: 'pending' }],
      };
    }
    case 'AdjustmentSettled':
      return updateAdjustment(payment, event.amendment, 'settled');
    case 'AdjustmentFailed': {
      const adjustment = payment.adjustments.find((each) => each.amendment === event.amendment);
      const after = updateAdjustment(payment, event.amendment, 'failed');
      return adjustment ? { ...after, amount: adjustment.previousAmount } : after;
    }
  }
}

function queue(payment: Payment, operation: Operation): Payment {
  const pending = [...payment.pending, operation];
  switch (operation.kind) {
    case 'authorize': {
      const { chargeId, purpose, amount } = operation;
      const charge: Charge = { chargeId, purpose, amount, state: 'authorizing' };
      return { ...payment, pending, charges: [...payment.charges, charge] };
    }
    case 'capture':
      return { ...payment, pending };
    case 'release':
    case 'refund': {
      const refund: Refund = {
        refundId: operation.operationId,
        chargeId: operation.chargeId,
        amount: operation.amount,
        method: operation.kind === 'release' ? 'authorization_release' : 'refund',
        reason: operation.reason,
        ...(operation.amendment === undefined ? {} : { amendment: operation.amendment }),
        state: 'pending',
      };
      return { ...payment, pending, refunds: [...payment.refunds, refund] };
    }
  }
}

const settled = (payment: Payment, operationId: string): Payment => ({
  ...payment,
  pending: payment.pending.filter((operation) => operation.operationId !== operationId),
});

const updateCharge = (payment: Payment, chargeId: string, change: Partial<Charge>): Payment => ({
  ...payment,
  charges: payment.charges.map((charge) =>
    charge.chargeId === chargeId ? { ...charge, ...change } : charge,
  ),
});

const updateRefund = (payment: Payment, refundId: string, change: Partial<Refund>): Payment => ({
  ...payment,
  refunds: payment.refunds.map((refund) =>
    refund.refundId === refundId ? { ...refund, ...change } : refund,
  ),
});

const updateAdjustment = (payment: Payment, amendment: number, state: 'settled' | 'failed'): Payment => ({
  ...payment,
  adjustments: payment.adjustments.map((adjustment) =>
    adjustment.amendment === amendment ? { ...adjustment, state } : adjustment,
  ),
});

function statusOf(payment: Payment): PaymentStatus {
  if (payment.cancellation) return payment.pending.length > 0 ? 'cancelling' : 'cancelled';
  const charge = orderCharge(payment);
  if (!charge) return 'authorizing';
  if (charge.failure) return 'failed';
  switch (charge.state) {
    case 'authorizing':
      return 'authorizing';
    case 'authorized':
      return payment.pending.some((operation) => operation.kind === 'capture') ? 'capturing' : 'authorized';
    case 'captured':
      return 'captured';
    case 'failed':
      return 'failed';
    case 'released':
    case 'abandoned':
      return 'cancelled';
  }
}
