import { CapturePayment } from '../../../../contracts/index.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import { centsOf } from '../domain/index.js';
import { paymentReaction } from './payment-reaction.js';

/** Takes the authorized amount once the order's goods have left stock. */
export const capturePaymentHandler = (bell: Bell) =>
  paymentReaction('capture-payment', CapturePayment, bell, (payload) => ({
    paymentId: payload.paymentId,
    command: { type: 'CapturePayment', amount: centsOf(payload.amount) },
  }));
