import type { Cents } from './money.js';
import type { PaymentMethod } from './payment.js';

/** How a provider operation ended, as the operations worker reports it. */
export type OperationOutcome =
  | { readonly kind: 'succeeded'; readonly reference: string }
  /** The provider refused it (a decline, an invalid request): asking again would not help. */
  | { readonly kind: 'refused'; readonly code: string; readonly message: string; readonly attempts: number }
  /** The provider failed on every attempt allowed. */
  | {
      readonly kind: 'exhausted';
      readonly code: string;
      readonly message: string;
      readonly attempts: number;
    };

export type PaymentCommand =
  | {
      readonly type: 'InitiatePayment';
      readonly paymentId: string;
      readonly orderId: string;
      readonly userId: string;
      readonly amount: Cents;
      readonly method: PaymentMethod;
      readonly token: string;
      readonly currency: string;
    }
  | { readonly type: 'CapturePayment'; readonly amount: Cents }
  | {
      readonly type: 'AdjustPayment';
      readonly amendment: number;
      readonly previousAmount: Cents;
      readonly amount: Cents;
    }
  | { readonly type: 'CancelPayment'; readonly reason?: string }
  | { readonly type: 'RecordOutcome'; readonly operationId: string; readonly outcome: OperationOutcome }
  /**
   * Drops an operation whose reason has gone, before the provider is first asked. Decides nothing
   * when the operation is still wanted: the caller then makes the call.
   */
  | { readonly type: 'WithdrawOperation'; readonly operationId: string };
