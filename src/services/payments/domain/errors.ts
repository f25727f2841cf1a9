import { ruleViolations } from '../../../platform/kernel/errors.js';

export type PaymentViolationCode =
  | 'NOT_FOUND'
  | 'INVALID_AMOUNT'
  | 'AMOUNT_MISMATCH'
  | 'NOT_AUTHORIZED'
  | 'NOT_CAPTURED'
  | 'ADJUSTMENT_IN_PROGRESS'
  | 'WEBHOOKS_NOT_CONFIGURED'
  | 'WEBHOOK_SIGNATURE_INVALID';

/** What PaymentService refuses, as `PAYMENTS.*` rule violations. */
export const paymentRules = ruleViolations<PaymentViolationCode>('PAYMENTS');
