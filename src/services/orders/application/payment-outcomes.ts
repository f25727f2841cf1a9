import {
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  PaymentComplete,
  PaymentFailed,
  PaymentProcessed,
} from '../../../../contracts/index.js';
import { orderReaction } from './change-order.js';

/** The payment is authorized: the order is confirmed, and inventory takes its stock. */
export const confirmWhenPaid = orderReaction('confirm-when-paid', PaymentProcessed, (payload) => ({
  orderId: payload.orderId,
  command: { type: 'RecordPaymentAuthorized', paymentId: payload.transactionId },
}));

/** The payment could not be taken: the order is cancelled, which releases its stock and tells the customer. */
export const cancelWhenPaymentFails = orderReaction(
  'cancel-when-payment-fails',
  PaymentFailed,
  (payload) => ({
    orderId: payload.orderId,
    command: { type: 'RecordPaymentFailed', message: payload.message },
  }),
);

/** The payment is captured after every line left stock: the order is complete. */
export const completeWhenCaptured = orderReaction('complete-when-captured', PaymentComplete, (payload) => ({
  orderId: payload.orderId,
  command: { type: 'RecordPaymentCaptured' },
}));

export const settleAdjustedAmendment = orderReaction(
  'settle-adjusted-amendment',
  PaymentAdjusted,
  (payload) => ({
    orderId: payload.orderId,
    command: { type: 'RecordPaymentAdjusted', amendment: payload.amendment },
  }),
);

/** The difference in price could not be settled: the amendment is rejected and undone. */
export const revertUnpaidAmendment = orderReaction(
  'revert-unpaid-amendment',
  PaymentAdjustmentFailed,
  (payload) => ({
    orderId: payload.orderId,
    command: {
      type: 'RecordPaymentAdjustmentFailed',
      amendment: payload.amendment,
      message: payload.message,
    },
  }),
);

export const paymentOutcomeHandlers = [
  confirmWhenPaid,
  cancelWhenPaymentFails,
  completeWhenCaptured,
  settleAdjustedAmendment,
  revertUnpaidAmendment,
];
