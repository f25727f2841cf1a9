import type { Cents } from './money.js';
import type { OrderDetails, OrderLine, Shortage } from './order.js';

/** What happened to an order, as the domain sees it. The application publishes most of these. */
export type OrderEvent =
  | (OrderDetails & { readonly type: 'OrderPlaced'; readonly at: string })
  /** Stock is held; the payment is requested next. */
  | { readonly type: 'StockReserved'; readonly reservationId: string; readonly at: string }
  | { readonly type: 'OrderConfirmed'; readonly paymentId: string; readonly at: string }
  /** Every line left stock: the authorized payment is to be captured. */
  | { readonly type: 'PaymentCaptureRequested'; readonly at: string }
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
  /** Inventory applied the amendment; the payment is to charge or refund the difference. */
  | {
      readonly type: 'PaymentAdjustmentRequested';
      readonly amendment: number;
      readonly previousTotal: Cents;
      readonly total: Cents;
      readonly at: string;
    }
  | { readonly type: 'AmendmentSettled'; readonly at: string }
  | {
      readonly type: 'AmendmentRejected';
      readonly reason: 'insufficient_stock';
      readonly shortages: readonly Shortage[];
      readonly at: string;
    }
  | {
      readonly type: 'AmendmentRejected';
      readonly reason: 'payment_failed';
      readonly message: string;
      /** What inventory holds or took after applying the amendment, which it now has to undo. */
      readonly amendedLines: readonly OrderLine[];
      readonly at: string;
    };
