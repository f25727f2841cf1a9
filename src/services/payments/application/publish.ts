import {
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  PaymentComplete,
  PaymentFailed,
  PaymentInitiated,
  PaymentProcessed,
  PaymentRefunded,
  RefundFailed,
} from '../../../../contracts/index.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { fromCents, type Charge, type Payment, type PaymentEvent, type Refund } from '../domain/index.js';

/** Publishes what other services need to hear of a payment event (`payment` is the state after it). */
export function publish(uow: UnitOfWork, payment: Payment, event: PaymentEvent): void {
  const { paymentId, orderId, userId } = payment;
  const parties = { paymentId, userId, orderId };
  const timestamp = event.at;
  switch (event.type) {
    case 'PaymentInitiated':
      uow.emit(PaymentInitiated, {
        ...parties,
        amount: fromCents(event.amount),
        paymentMethod: event.method,
        timestamp,
      });
      return;
    case 'ChargeAuthorized': {
      const charge = chargeOf(payment, event.chargeId);
      if (charge.purpose.kind !== 'order') return;
      uow.emit(PaymentProcessed, {
        transactionId: paymentId,
        userId,
        orderId,
        amount: fromCents(charge.amount),
        paymentMethod: payment.method,
        status: 'confirmed',
        confirmationDetails: { gatewayResponse: 'Approved', transactionId: event.reference },
        timestamp,
      });
      return;
    }
    case 'ChargeCaptured': {
      const charge = chargeOf(payment, event.chargeId);
      if (charge.purpose.kind !== 'order') return;
      uow.emit(PaymentComplete, {
        ...parties,
        amount: fromCents(charge.amount),
        providerReference: event.reference,
        timestamp,
      });
      return;
    }
    case 'ChargeFailed': {
      const charge = chargeOf(payment, event.chargeId);
      if (charge.purpose.kind !== 'order') return;
      const { stage, reason, code, message, attempts } = event;
      uow.emit(PaymentFailed, {
        ...parties,
        amount: fromCents(charge.amount),
        stage,
        reason,
        code,
        message,
        attempts,
        timestamp,
      });
      return;
    }
    case 'RefundSucceeded': {
      const refund = refundOf(payment, event.refundId);
      uow.emit(PaymentRefunded, {
        ...refundFacts(payment, refund),
        providerReference: event.reference,
        timestamp,
      });
      return;
    }
    case 'RefundFailed': {
      const refund = refundOf(payment, event.refundId);
      const { code, message, attempts } = event;
      uow.emit(RefundFailed, { ...refundFacts(payment, refund), code, message, attempts, timestamp });
      return;
    }
    case 'AdjustmentSettled': {
      uow.emit(PaymentAdjusted, {
        ...adjustmentFacts(payment, event.amendment),
        charged: fromCents(event.charged),
        refunded: fromCents(event.refunded),
        timestamp,
      });
      return;
    }
    case 'AdjustmentFailed': {
      const { reason, code, message } = event;
      uow.emit(PaymentAdjustmentFailed, {
        ...adjustmentFacts(payment, event.amendment),
        reason,
        code,
        message,
        timestamp,
      });
      return;
    }
    case 'OperationQueued':
    case 'ChargeAbandoned':
    case 'CancellationRequested':
    case 'AdjustmentRequested':
      return;
  }
}

function refundFacts(payment: Payment, refund: Refund) {
  return {
    paymentId: payment.paymentId,
    userId: payment.userId,
    orderId: payment.orderId,
    refundId: refund.refundId,
    amount: fromCents(refund.amount),
    method: refund.method,
    reason: refund.reason,
  };
}

function adjustmentFacts(payment: Payment, amendment: number) {
  const adjustment = adjustmentOf(payment, amendment);
  return {
    paymentId: payment.paymentId,
    userId: payment.userId,
    orderId: payment.orderId,
    amendment,
    previousAmount: fromCents(adjustment.previousAmount),
    amount: fromCents(adjustment.amount),
  };
}

function chargeOf(payment: Payment, chargeId: string): Charge {
  const charge = payment.charges.find((each) => each.chargeId === chargeId);
  if (!charge) throw new Error(`payment ${payment.paymentId} has no charge ${chargeId}`);
  return charge;
}

function refundOf(payment: Payment, refundId: string): Refund {
  const refund = payment.refunds.find((each) => each.refundId === refundId);
  if (!refund) throw new Error(`payment ${payment.paymentId} has no refund ${refundId}`);
  return refund;
}

function adjustmentOf(payment: Payment, amendment: number) {
  const adjustment = payment.adjustments.find((each) => each.amendment === amendment);
  if (!adjustment) throw new Error(`payment ${payment.paymentId} has no adjustment ${amendment}`);
  return adjustment;
}
