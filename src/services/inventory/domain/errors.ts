import { ruleViolations } from '../../../platform/kernel/errors.js';

export type InventoryViolationCode =
  | 'INVALID_QUANTITY'
  | 'WOULD_GO_NEGATIVE'
  | 'BELOW_RESERVED'
  | 'UNKNOWN_STOCK_LEVEL'
  | 'STALE_AMENDMENT'
  | 'UNKNOWN_PRODUCT'
  | 'NOTHING_RESERVED'
  | 'NOT_AMENDABLE';

/** A command or stock movement that would break an inventory rule, as `INVENTORY.*`; nothing was changed. */
export const inventoryRules = ruleViolations<InventoryViolationCode>('INVENTORY');
