import type { Customer, OrderLine, PaymentDetails, ShippingAddress, Shortage } from './order.js';

/** What happened to an order, as the domain sees it. The application publishes most of these. */
export type OrderEvent =
  | {
      readonly type: 'OrderPlaced';
      readonly orderId: string;
      readonly customer: Customer;
      readonly lines: readonly OrderLine[];
      readonly shippingAddress: ShippingAddress;
      readonly payment: PaymentDetails;
      readonly orderDate: string;
      readonly at: string;
    }
  | { readonly type: 'OrderConfirmed'; readonly reservationId: string; readonly at: string }
  | {
      readonly type: 'OrderRejected';
      readonly reason: 'insufficient_stock' | 'unknown_product';
      readonly shortages: readonly Shortage[];
      readonly at: string;
    }
  | {
      readonly type: 'StockDeducted';
      readonly productId: string;
      readonly quantity: number;
      readonly at: string;
    }
  | { readonly type: 'OrderCompleted'; readonly at: string }
  | { readonly type: 'OrderCancelled'; readonly reason?: string; readonly at: string }
  | {
      readonly type: 'OrderAmended';
      readonly previousLines: readonly OrderLine[];
      readonly lines: readonly OrderLine[];
      readonly at: string;
    }
  | { readonly type: 'AmendmentSettled'; readonly at: string }
  | { readonly type: 'AmendmentRejected'; readonly shortages: readonly Shortage[]; readonly at: string };
