import type { Customer, PaymentDetails, ShippingAddress, Shortage } from './order.js';

export interface RequestedItem {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  /** Decimal price per unit, as the client sent it. */
  readonly price: number;
}

export interface AmendedItem {
  readonly productId: string;
  /** The new quantity; 0 removes the line. */
  readonly quantity: number;
  /** Required for a product the order does not have yet. */
  readonly name?: string;
  readonly price?: number;
}

export type OrderCommand =
  | {
      readonly type: 'PlaceOrder';
      readonly orderId: string;
      readonly customer: Customer;
      readonly items: readonly RequestedItem[];
      readonly shippingAddress: ShippingAddress;
      readonly payment: Omit<PaymentDetails, 'amount'> & { readonly amount: number };
      readonly orderDate: string;
    }
  | { readonly type: 'RecordReservation'; readonly reservationId: string }
  | { readonly type: 'RecordPaymentAuthorized'; readonly paymentId: string }
  | { readonly type: 'RecordPaymentFailed'; readonly message: string }
  | { readonly type: 'RecordPaymentCaptured' }
  | { readonly type: 'RecordPaymentAdjusted'; readonly amendment: number }
  | { readonly type: 'RecordPaymentAdjustmentFailed'; readonly amendment: number; readonly message: string }
  | {
      readonly type: 'RecordReservationFailure';
      readonly reason: 'insufficient_stock' | 'unknown_product' | 'order_cancelled';
      readonly shortages: readonly Shortage[];
    }
  /** `quantity` units of the product left stock for this order (negative: came back). */
  | { readonly type: 'RecordStockMovement'; readonly productId: string; readonly quantity: number }
  | { readonly type: 'CancelOrder'; readonly reason?: string }
  | { readonly type: 'AmendOrder'; readonly items: readonly AmendedItem[] }
  | { readonly type: 'RecordAmendmentApplied' }
  | { readonly type: 'RecordAmendmentRejected'; readonly shortages: readonly Shortage[] };
