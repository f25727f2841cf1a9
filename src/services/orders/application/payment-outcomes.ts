import {
  PaymentAdjusted,
  PaymentAdjustmentFailed,
  PaymentComplete,
  PaymentFailed,
  PaymentProcessed,
} from '../../../../contracts/index.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import { changeOrder } from './change-order.js';

/** The payment is authorized: the order is confirmed, and inventory takes its stock. */
export const confirmWhenPaid = defineHandler({
  name: 'confirm-when-paid',
  contract: PaymentProcessed,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, {
      type: 'RecordPaymentAuthorized',
      paymentId: payload.transactionId,
    });
  },
});

/** The payment could not be taken: the order is cancelled, which releases its stock and tells the customer. */
export const cancelWhenPaymentFails = defineHandler({
  name: 'cancel-when-payment-fails',
  contract: PaymentFailed,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, { type: 'RecordPaymentFailed', message: payload.message });
  },
});

/** The payment is captured after every line left stock: the order is complete. */
export const completeWhenCaptured = defineHandler({
  name: 'complete-when-captured',
  contract: PaymentComplete,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, { type: 'RecordPaymentCaptured' });
  },
});

export const settleAdjustedAmendment = defineHandler({
  name: 'settle-adjusted-amendment',
  contract: PaymentAdjusted,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, { type: 'RecordPaymentAdjusted', amendment: payload.amendment });
  },
});

/** The difference in price could not be settled: the amendment is rejected and undone. */
export const revertUnpaidAmendment = defineHandler({
  name: 'revert-unpaid-amendment',
  contract: PaymentAdjustmentFailed,
  handle: async ({ payload }, uow) => {
    await changeOrder(uow, payload.orderId, {
      type: 'RecordPaymentAdjustmentFailed',
      amendment: payload.amendment,
      message: payload.message,
    });
  },
});

export const paymentOutcomeHandlers = [
  confirmWhenPaid,
  cancelWhenPaymentFails,
  completeWhenCaptured,
  settleAdjustedAmendment,
  revertUnpaidAmendment,
];
