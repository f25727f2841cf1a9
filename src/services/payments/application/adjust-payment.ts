import { AdjustPayment } from '../../../../contracts/index.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { centsOf } from '../domain/index.js';
import { paymentReaction } from './payment-reaction.js';

/** Charges or refunds the difference an amendment made to the order total. */
export const adjustPaymentHandler = (bell: Bell) =>
  paymentReaction('adjust-payment', AdjustPayment, bell, (payload) => ({
    paymentId: payload.paymentId,
    command: {
      type: 'AdjustPayment',
      amendment: payload.amendment,
      previousAmount: centsOf(payload.previousAmount),
      amount: centsOf(payload.amount),
    },
  }));
