import type { OperationOutcome, PaymentCommand } from './commands.js';
import { paymentRules } from './errors.js';
import type { PaymentEvent } from './events.js';
import { evolve } from './evolve.js';
import type { Cents } from './money.js';
import {
  hasPending,
  operationIds,
  orderCharge,
  refundable,
  type Operation,
  type Payment,
} from './payment.js';

/**
 * The payment's rules: what a command means for a payment in its current state. Returns no events
 * when the outcome already holds (a repeat is not an error).
 */
export function decide(payment: Payment | undefined, command: PaymentCommand, now: Date): PaymentEvent[] {
  const at = now.toISOString();
  if (command.type === 'InitiatePayment') {
    if (payment) return [];
    const { type: _type, ...fields } = command;
    requireAmount(command.amount);
    const chargeId = operationIds.orderCharge(command.paymentId);
    return [
      { type: 'PaymentInitiated', ...fields, at },
      queued(
        {
          kind: 'authorize',
          operationId: operationIds.authorize(chargeId),
          chargeId,
          amount: command.amount,
          purpose: { kind: 'order' },
          capture: false,
        },
        at,
      ),
    ];
  }
  if (!payment) throw paymentRules.notFound('NOT_FOUND', 'No such payment');

  switch (command.type) {
    case 'CapturePayment':
      return capture(payment, command.amount, at);
    case 'AdjustPayment':
      return adjust(payment, command, at);
    case 'CancelPayment':
      if (payment.cancellation) return [];
      return withFollowUps(
        payment,
        [{ type: 'CancellationRequested', ...(command.reason ? { reason: command.reason } : {}), at }],
        at,
      );
    case 'RecordOutcome': {
      const operation = payment.pending.find((each) => each.operationId === command.operationId);
      if (!operation) return [];
      return withFollowUps(payment, settle(operation, command.outcome, at), at);
    }
    case 'WithdrawOperation': {
      const operation = payment.pending.find((each) => each.operationId === command.operationId);
      // Only the order's own authorization loses its reason: the order was cancelled before it.
      const withdrawn =
        operation?.kind === 'authorize' && operation.purpose.kind === 'order' && payment.cancellation;
      return withdrawn
        ? withFollowUps(payment, [{ type: 'ChargeAbandoned', chargeId: operation.chargeId, at }], at)
        : [];
    }
  }
}

function capture(payment: Payment, amount: Cents, at: string): PaymentEvent[] {
  const charge = orderCharge(payment);
  // Cancelled or failed: there is nothing to take, and the order is being cancelled.
  if (payment.cancellation || charge?.failure) return [];
  if (!charge || charge.state === 'authorizing') {
    throw paymentRules.conflict(
      'NOT_AUTHORIZED',
      `Payment ${payment.paymentId} is not authorized yet: there is nothing to capture`,
    );
  }
  if (charge.state !== 'authorized' || hasPending(payment, charge.chargeId)) return [];
  if (amount !== charge.amount) {
    throw paymentRules.conflict(
      'AMOUNT_MISMATCH',
      `Capture of ${amount} cents asked, but ${charge.amount} cents are authorized`,
    );
  }
  return [
    queued(
      {
        kind: 'capture',
        operationId: operationIds.capture(charge.chargeId),
        chargeId: charge.chargeId,
        amount,
      },
      at,
    ),
  ];
}

function adjust(
  payment: Payment,
  command: Extract<PaymentCommand, { type: 'AdjustPayment' }>,
  at: string,
): PaymentEvent[] {
  const { amendment, previousAmount, amount } = command;
  if (payment.adjustments.some((adjustment) => adjustment.amendment === amendment)) return [];
  if (payment.status !== 'captured') {
    throw paymentRules.conflict(
      'NOT_CAPTURED',
      `Payment ${payment.paymentId} is ${payment.status}: only a captured payment can be adjusted`,
    );
  }
  if (payment.adjustments.some((adjustment) => adjustment.state === 'pending')) {
    throw paymentRules.conflict(
      'ADJUSTMENT_IN_PROGRESS',
      `Payment ${payment.paymentId} is still settling an earlier amendment`,
    );
  }
  if (previousAmount !== payment.amount) {
    throw paymentRules.conflict(
      'AMOUNT_MISMATCH',
      `Amendment ${amendment} starts from ${previousAmount} cents, but the payment stands at ${payment.amount}`,
    );
  }
  requireAmount(amount);
  const requested: PaymentEvent = { type: 'AdjustmentRequested', amendment, previousAmount, amount, at };
  const difference = amount - payment.amount;
  const operations: Operation[] =
    difference > 0
      ? [amendmentCharge(payment, amendment, difference)]
      : difference < 0
        ? refundsOf(payment, -difference, amendment)
        : [];
  return withFollowUps(payment, [requested, ...operations.map((operation) => queued(operation, at))], at);
}

function amendmentCharge(payment: Payment, amendment: number, amount: Cents): Operation {
  const chargeId = operationIds.amendmentCharge(payment.paymentId, amendment);
  return {
    kind: 'authorize',
    operationId: operationIds.authorize(chargeId),
    chargeId,
    amount,
    purpose: { kind: 'amendment', amendment },
    capture: true,
  };
}

/** Refunds `amount` from the captured charges, the newest first. */
function refundsOf(payment: Payment, amount: Cents, amendment: number): Operation[] {
  const operations: Operation[] = [];
  let left = amount;
  for (const charge of [...payment.charges].reverse()) {
    const part = Math.min(left, refundable(payment, charge));
    if (part <= 0) continue;
    operations.push({
      kind: 'refund',
      operationId: operationIds.refund(charge.chargeId, 'order_amended', amendment),
      chargeId: charge.chargeId,
      amount: part,
      reason: 'order_amended',
      amendment,
    });
    left -= part;
  }
  if (left > 0) {
    throw paymentRules.conflict(
      'AMOUNT_MISMATCH',
      `Only ${amount - left} of the ${amount} cents to refund were ever captured`,
    );
  }
  return operations;
}

function settle(operation: Operation, outcome: OperationOutcome, at: string): PaymentEvent[] {
  const { chargeId } = operation;
  if (outcome.kind === 'succeeded') {
    switch (operation.kind) {
      case 'authorize':
        return [
          {
            type: 'ChargeAuthorized',
            chargeId,
            reference: outcome.reference,
            captured: operation.capture,
            at,
          },
        ];
      case 'capture':
        return [{ type: 'ChargeCaptured', chargeId, reference: outcome.reference, at }];
      case 'release':
      case 'refund':
        return [
          { type: 'RefundSucceeded', refundId: operation.operationId, reference: outcome.reference, at },
        ];
    }
  }
  const { code, message, attempts } = outcome;
  const reason = outcome.kind === 'refused' ? 'declined' : 'provider_unavailable';
  switch (operation.kind) {
    case 'authorize':
    case 'capture': {
      const stage = operation.kind === 'authorize' ? 'authorization' : 'capture';
      return [{ type: 'ChargeFailed', chargeId, stage, reason, code, message, attempts, at }];
    }
    case 'release':
    case 'refund':
      return [{ type: 'RefundFailed', refundId: operation.operationId, reason, code, message, attempts, at }];
  }
}

/**
 * Adds what the events make necessary: the answer to an amendment once its operations settle, and
 * once the order is cancelled, giving back whatever is held or taken (each charge at most once).
 */
function withFollowUps(payment: Payment, events: PaymentEvent[], at: string): PaymentEvent[] {
  const applied = apply(payment, events);
  const answers = answeredAdjustments(applied, at);
  const compensations = compensationsOf(apply(applied, answers), at);
  return [...events, ...answers, ...compensations];
}

const apply = (payment: Payment, events: readonly PaymentEvent[]): Payment =>
  events.reduce<Payment>((state, event) => evolve(state, event), payment);

function answeredAdjustments(payment: Payment, at: string): PaymentEvent[] {
  return payment.adjustments.flatMap((adjustment): PaymentEvent[] => {
    if (adjustment.state !== 'pending') return [];
    const { amendment } = adjustment;
    const charge = payment.charges.find(
      (each) => each.purpose.kind === 'amendment' && each.purpose.amendment === amendment,
    );
    const refunds = payment.refunds.filter(
      (refund) => refund.reason === 'order_amended' && refund.amendment === amendment,
    );
    if (charge?.state === 'authorizing' || refunds.some((refund) => refund.state === 'pending')) return [];
    const failure = charge?.failure ?? refunds.find((refund) => refund.state === 'failed')?.failure;
    if (failure) {
      const { reason, code, message } = failure;
      return [{ type: 'AdjustmentFailed', amendment, reason, code, message, at }];
    }
    const refunded = refunds.reduce((sum, refund) => sum + refund.amount, 0);
    return [{ type: 'AdjustmentSettled', amendment, charged: charge?.amount ?? 0, refunded, at }];
  });
}

function compensationsOf(payment: Payment, at: string): PaymentEvent[] {
  if (!payment.cancellation) return [];
  return payment.charges.flatMap((charge): PaymentEvent[] => {
    if (hasPending(payment, charge.chargeId)) return [];
    const given = (operationId: string) => payment.refunds.some((refund) => refund.refundId === operationId);
    if (charge.state === 'authorized') {
      const operationId = operationIds.release(charge.chargeId);
      if (given(operationId)) return [];
      const release: Operation = {
        kind: 'release',
        operationId,
        chargeId: charge.chargeId,
        amount: charge.amount,
        reason: 'order_cancelled',
      };
      return [queued(release, at)];
    }
    if (charge.state === 'captured') {
      const operationId = operationIds.refund(charge.chargeId, 'order_cancelled');
      const amount = refundable(payment, charge);
      if (amount <= 0 || given(operationId)) return [];
      const refund: Operation = {
        kind: 'refund',
        operationId,
        chargeId: charge.chargeId,
        amount,
        reason: 'order_cancelled',
      };
      return [queued(refund, at)];
    }
    return [];
  });
}

const queued = (operation: Operation, at: string): PaymentEvent => ({
  type: 'OperationQueued',
  operation,
  at,
});

function requireAmount(amount: Cents): void {
  if (!Number.isInteger(amount) || amount < 0) {
    throw paymentRules.validation('INVALID_AMOUNT', `${amount} is not an amount in cents`);
  }
}
