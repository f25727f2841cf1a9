import type { Cents } from './money.js';

export type OrderStatus = 'pending' | 'confirmed' | 'completed' | 'rejected' | 'cancelled';

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

export interface Order {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly customer: Customer;
  readonly lines: readonly OrderLine[];
  readonly shippingAddress: ShippingAddress;
  readonly payment: PaymentDetails;
  readonly orderDate: string;
  readonly placedAt: string;
  readonly reservationId?: string;
  /** Units taken from stock per product, net of amendments. */
  readonly deducted: Readonly<Record<string, number>>;
  /** While inventory has not answered an amendment: the lines to return to if it refuses. */
  readonly pendingAmendment?: { readonly previousLines: readonly OrderLine[] };
  readonly rejection?: {
    readonly reason: 'insufficient_stock' | 'unknown_product';
    readonly shortages: readonly Shortage[];
  };
  readonly cancellation?: { readonly reason?: string; readonly at: string };
  readonly completedAt?: string;
}

export const lineTotal = (line: OrderLine): Cents => line.quantity * line.unitPrice;
export const orderTotal = (lines: readonly OrderLine[]): Cents =>
  lines.reduce((sum, line) => sum + lineTotal(line), 0);
