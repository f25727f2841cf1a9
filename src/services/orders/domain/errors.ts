import { ruleViolations } from '../../../platform/kernel/errors.js';

export type OrderViolationCode =
  | 'DUPLICATE_ITEM'
  | 'INVALID_PRICE'
  | 'CARD_DATA_REFUSED'
  | 'AMOUNT_MISMATCH'
  | 'ALREADY_PLACED'
  | 'NOT_FOUND'
  | 'NOT_CANCELLABLE'
  | 'NOT_AMENDABLE'
  | 'AMENDMENT_IN_PROGRESS'
  | 'INVALID_AMENDMENT';

const rules = ruleViolations<OrderViolationCode>('ORDERS');

/** The commands the order's rules refuse, as `ORDERS.*` rule violations. */
export const orderRules = {
  ...rules,
  /** The request itself is wrong, at `field` (a JSON pointer into it). */
  invalid: (code: OrderViolationCode, message: string, field: string) =>
    rules.validation(code, message, [{ field, message }]),
};
