export type PaymentViolationCode =
  | 'PAYMENTS.NOT_FOUND'
  | 'PAYMENTS.INVALID_AMOUNT'
  | 'PAYMENTS.AMOUNT_MISMATCH'
  | 'PAYMENTS.NOT_AUTHORIZED'
  | 'PAYMENTS.NOT_CAPTURED'
  | 'PAYMENTS.ADJUSTMENT_IN_PROGRESS';

/** A command the payment's rules refuse. `invalid`: the request is wrong; `conflict`: the payment's state forbids it. */
export class PaymentRuleViolation extends Error {
  override readonly name = 'PaymentRuleViolation';
  readonly code: PaymentViolationCode;
  readonly kind: 'invalid' | 'conflict' | 'missing';

  constructor(code: PaymentViolationCode, kind: 'invalid' | 'conflict' | 'missing', message: string) {
    super(message);
    this.code = code;
    this.kind = kind;
  }
}
