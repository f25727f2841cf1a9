import { CapturePayment } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { centsOf } from '../domain/index.js';
import { changePayment } from './change-payment.js';
import type { Bell } from '../../../platform/kernel/bell.js';

/** Takes the authorized amount once the order's goods have left stock. */
export const capturePaymentHandler = (bell: Bell): MessageHandler =>
  defineHandler({
    name: 'capture-payment',
    contract: CapturePayment,
    handle: async ({ payload }, uow) => {
      await changePayment(uow, bell, payload.paymentId, {
        type: 'CapturePayment',
        amount: centsOf(payload.amount),
      });
    },
  });
