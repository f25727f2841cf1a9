import type { Cents } from './money.js';

export interface Customer {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  readonly phone?: string;
}

export interface OrderLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: Cents;
}

export interface ShippingAddress {
  readonly street: string;
  readonly city: string;
  readonly state: string;
  readonly zip: string;
  readonly country: string;
}

export interface PaymentDetails {
  readonly method: 'Credit Card' | 'PayPal' | 'Bank Transfer';
  readonly transactionId: string;
  readonly amount: Cents;
}

export interface Shortage {
  readonly productId: string;
  readonly requested: number;
  readonly available: number;
}

/**
 * Where the order's payment stands, as PaymentService reported it: requested once the stock is
 * reserved, authorized (the order is then confirmed), captured once every line left stock.
 */
export type PaymentState = 'requested' | 'authorized' | 'capture_requested' | 'captured';

/** An amendment waits for inventory to apply it, then for the payment to settle the difference. */
export interface PendingAmendment {
  readonly previousLines: readonly OrderLine[];
  readonly awaiting: 'inventory' | 'payment';
}

/** What the placement of an order says of it: the order as the customer asked for it. */
export interface OrderDetails {
  readonly orderId: string;
  readonly customer: Customer;
  readonly lines: readonly OrderLine[];
  readonly shippingAddress: ShippingAddress;
  readonly payment: PaymentDetails;
  readonly orderDate: string;
}

interface OrderBase extends OrderDetails {
  readonly placedAt: string;
  readonly reservationId?: string;
  /** The payment in PaymentService, known once it is authorized. */
  readonly paymentId?: string;
  readonly paymentState?: PaymentState;
  /** Units taken from stock per product, net of amendments. */
  readonly deducted: Readonly<Record<string, number>>;
  /** Amendments made so far; the latest one's number identifies its payment adjustment. */
  readonly amendments?: number;
  /** While an amendment is not settled: the lines to return to if inventory or the payment refuses it. */
  readonly pendingAmendment?: PendingAmendment;
}

/** Placed: its stock is being reserved, then its payment authorized. */
export interface PendingOrder extends OrderBase {
  readonly status: 'pending';
}

/** Paid for (authorized): its stock leaves the shelf, then the payment is captured. */
export interface ConfirmedOrder extends OrderBase {
  readonly status: 'confirmed';
  readonly paymentId: string;
}

/** Paid and taken from stock; it may still be amended or cancelled (and refunded). */
export interface CompletedOrder extends OrderBase {
  readonly status: 'completed';
  readonly paymentId: string;
  readonly completedAt: string;
}

export interface RejectedOrder extends OrderBase {
  readonly status: 'rejected';
  readonly rejection: {
    readonly reason: 'insufficient_stock' | 'unknown_product';
    readonly shortages: readonly Shortage[];
  };
}

export interface CancelledOrder extends OrderBase {
  readonly status: 'cancelled';
  readonly cancellation: { readonly reason?: string; readonly at: string };
  /** When it was completed, if it was before it was cancelled. */
  readonly completedAt?: string;
}

/**
 * An order's lifecycle:
 *
 *   pending   → confirmed (payment authorized) | rejected (stock refused) | cancelled
 *   confirmed → completed (every line taken from stock, payment captured) | cancelled
 *   completed → cancelled (refunded); amendments come and go while completed
 */
export type Order = PendingOrder | ConfirmedOrder | CompletedOrder | RejectedOrder | CancelledOrder;

export type OrderStatus = Order['status'];

/** The statuses of an order on its way: placed, and not yet completed, rejected or cancelled. */
export const inProgressStatuses: readonly OrderStatus[] = ['pending', 'confirmed'];

export const lineTotal = (line: OrderLine): Cents => line.quantity * line.unitPrice;
export const orderTotal = (lines: readonly OrderLine[]): Cents =>
  lines.reduce((sum, line) => sum + lineTotal(line), 0);
