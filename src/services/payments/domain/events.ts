import type { Cents } from './money.js';
import type { FailureReason, Operation, PaymentMethod } from './payment.js';

/** What happened to a payment, as the domain sees it. The application publishes most of these. */
export type PaymentEvent =
  | {
      readonly type: 'PaymentInitiated';
      readonly paymentId: string;
      readonly orderId: string;
      readonly userId: string;
      readonly amount: Cents;
      readonly method: PaymentMethod;
      readonly token: string;
      readonly currency: string;
      readonly at: string;
    }
  | { readonly type: 'OperationQueued'; readonly operation: Operation; readonly at: string }
  | {
      readonly type: 'ChargeAuthorized';
      readonly chargeId: string;
      readonly reference: string;
      /** Captured in the same call. */
      readonly captured: boolean;
      readonly at: string;
    }
  | {
      readonly type: 'ChargeCaptured';
      readonly chargeId: string;
      readonly reference: string;
      readonly at: string;
    }
  | {
      readonly type: 'ChargeFailed';
      readonly chargeId: string;
      readonly stage: 'authorization' | 'capture';
      readonly reason: FailureReason;
      readonly code: string;
      readonly message: string;
      readonly attempts: number;
      readonly at: string;
    }
  | { readonly type: 'ChargeAbandoned'; readonly chargeId: string; readonly at: string }
  | {
      readonly type: 'RefundSucceeded';
      readonly refundId: string;
      readonly reference: string;
      readonly at: string;
    }
  | {
      readonly type: 'RefundFailed';
      readonly refundId: string;
      readonly reason: FailureReason;
      readonly code: string;
      readonly message: string;
      readonly attempts: number;
      readonly at: string;
    }
  | { readonly type: 'CancellationRequested'; readonly reason?: string; readonly at: string }
  | {
      readonly type: 'AdjustmentRequested';
      readonly amendment: number;
      readonly previousAmount: Cents;
      readonly amount: Cents;
      readonly at: string;
    }
  | {
      readonly type: 'AdjustmentSettled';
      readonly amendment: number;
      readonly charged: Cents;
      readonly refunded: Cents;
      readonly at: string;
    }
  | {
      readonly type: 'AdjustmentFailed';
      readonly amendment: number;
      readonly reason: FailureReason;
      readonly code: string;
      readonly message: string;
      readonly at: string;
    };
