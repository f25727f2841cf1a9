import { AdjustPayment } from '../../../../contracts/index.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import { centsOf } from '../domain/index.js';
import { changePayment } from './change-payment.js';
import type { Bell } from '../../../platform/kernel/bell.js';

/** Charges or refunds the difference an amendment made to the order total. */
export const adjustPaymentHandler = (bell: Bell): MessageHandler =>
  defineHandler({
    name: 'adjust-payment',
    contract: AdjustPayment,
    handle: async ({ payload }, uow) => {
      await changePayment(uow, bell, payload.paymentId, {
        type: 'AdjustPayment',
        amendment: payload.amendment,
        previousAmount: centsOf(payload.previousAmount),
        amount: centsOf(payload.amount),
      });
    },
  });
