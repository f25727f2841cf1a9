import type { Cents } from './money.js';

export type PaymentMethod = 'Credit Card' | 'PayPal' | 'Bank Transfer';

/** What a charge pays for: the order as placed, or the rise in its total an amendment made. */
export type ChargePurpose =
  { readonly kind: 'order' } | { readonly kind: 'amendment'; readonly amendment: number };

/** `abandoned`: the order was cancelled before the provider was ever asked. */
export type ChargeState = 'authorizing' | 'authorized' | 'captured' | 'released' | 'failed' | 'abandoned';

/** One payment at the provider (a Stripe PaymentIntent): authorized, then captured. */
export interface Charge {
  readonly chargeId: string;
  readonly purpose: ChargePurpose;
  readonly amount: Cents;
  readonly state: ChargeState;
  readonly reference?: string;
  /** Why its authorization or capture failed, when it did. */
  readonly failure?: PaymentFailure;
}

export type RefundReason = 'order_cancelled' | 'order_amended';

/** `authorization_release` lifts the hold of an uncaptured charge; `refund` pays captured money back. */
export type RefundMethod = 'refund' | 'authorization_release';

export interface Refund {
  readonly refundId: string;
  readonly chargeId: string;
  readonly amount: Cents;
  readonly method: RefundMethod;
  readonly reason: RefundReason;
  readonly amendment?: number;
  readonly state: 'pending' | 'succeeded' | 'failed';
  readonly reference?: string;
  readonly failure?: Omit<PaymentFailure, 'stage'>;
}

/** A call the provider has to be asked to make. Its id is also the provider's idempotency key. */
export type Operation =
  | {
      readonly kind: 'authorize';
      readonly operationId: string;
      readonly chargeId: string;
      readonly amount: Cents;
      readonly purpose: ChargePurpose;
      /** Capture in the same call: the rise of an order that is already paid for. */
      readonly capture: boolean;
    }
  | {
      readonly kind: 'capture';
      readonly operationId: string;
      readonly chargeId: string;
      readonly amount: Cents;
    }
  | {
      readonly kind: 'release' | 'refund';
      readonly operationId: string;
      readonly chargeId: string;
      readonly amount: Cents;
      readonly reason: RefundReason;
      readonly amendment?: number;
    };

export type OperationKind = Operation['kind'];

/** The answer to one amendment of the order. */
export interface Adjustment {
  readonly amendment: number;
  readonly previousAmount: Cents;
  readonly amount: Cents;
  readonly state: 'pending' | 'settled' | 'failed';
}

export interface PaymentFailure {
  readonly stage: 'authorization' | 'capture';
  readonly reason: FailureReason;
  readonly code: string;
  readonly message: string;
  readonly attempts: number;
}

/** `declined`: the provider refused; `provider_unavailable`: it failed on every attempt. */
export type FailureReason = 'declined' | 'provider_unavailable';

export type PaymentStatus =
  'authorizing' | 'authorized' | 'capturing' | 'captured' | 'failed' | 'cancelling' | 'cancelled';

export interface Payment {
  readonly paymentId: string;
  readonly orderId: string;
  /** Always the customer of the order, as OrdersService sent it. */
  readonly userId: string;
  readonly method: PaymentMethod;
  /** The provider's token for the customer's payment method: never card data. */
  readonly token: string;
  readonly currency: string;
  /** What the order costs now; amendments move it. */
  readonly amount: Cents;
  readonly status: PaymentStatus;
  readonly charges: readonly Charge[];
  readonly refunds: readonly Refund[];
  readonly adjustments: readonly Adjustment[];
  /** Operations queued and not settled yet, oldest first. */
  readonly pending: readonly Operation[];
  readonly cancellation?: { readonly reason?: string; readonly at: string };
  readonly initiatedAt: string;
}

/** Ids derived from the payment's, so that repeating a decision queues the very same operations. */
export const operationIds = {
  orderCharge: (paymentId: string) => `${paymentId}:order`,
  amendmentCharge: (paymentId: string, amendment: number) => `${paymentId}:amendment-${amendment}`,
  authorize: (chargeId: string) => `${chargeId}:authorize`,
  capture: (chargeId: string) => `${chargeId}:capture`,
  release: (chargeId: string) => `${chargeId}:release`,
  refund: (chargeId: string, reason: RefundReason, amendment?: number) =>
    `${chargeId}:refund:${reason === 'order_cancelled' ? 'cancellation' : `amendment-${amendment ?? 0}`}`,
};

export const orderCharge = (payment: Payment): Charge | undefined =>
  payment.charges.find((charge) => charge.purpose.kind === 'order');

export const hasPending = (payment: Payment, chargeId: string): boolean =>
  payment.pending.some((operation) => operation.chargeId === chargeId);

/** What can still be paid back from a captured charge, counting refunds on their way. */
export function refundable(payment: Payment, charge: Charge): Cents {
  if (charge.state !== 'captured') return 0;
  const given = payment.refunds
    .filter((refund) => refund.chargeId === charge.chargeId && refund.state !== 'failed')
    .reduce((sum, refund) => sum + refund.amount, 0);
  return charge.amount - given;
}
