export type OrderViolationCode =
  | 'ORDERS.DUPLICATE_ITEM'
  | 'ORDERS.INVALID_PRICE'
  | 'ORDERS.CARD_DATA_REFUSED'
  | 'ORDERS.AMOUNT_MISMATCH'
  | 'ORDERS.ALREADY_PLACED'
  | 'ORDERS.NOT_FOUND'
  | 'ORDERS.NOT_CANCELLABLE'
  | 'ORDERS.NOT_AMENDABLE'
  | 'ORDERS.AMENDMENT_IN_PROGRESS'
  | 'ORDERS.INVALID_AMENDMENT';

/** A command the order's rules refuse. `invalid`: the request itself is wrong; `conflict`: the order's state forbids it. */
export class OrderRuleViolation extends Error {
  override readonly name = 'OrderRuleViolation';
  readonly code: OrderViolationCode;
  readonly kind: 'invalid' | 'conflict' | 'missing';
  /** JSON pointer of the offending field of the request, when there is one. */
  readonly field: string | undefined;

  constructor(
    code: OrderViolationCode,
    kind: 'invalid' | 'conflict' | 'missing',
    message: string,
    field?: string,
  ) {
    super(message);
    this.code = code;
    this.kind = kind;
    this.field = field;
  }
}
