import { AppError, errorsFor, type ErrorCategory } from '../../../platform/kernel/errors.js';
import { InventoryRuleViolation, type InventoryViolationCode } from '../domain/index.js';

export const inventoryErrors = errorsFor('INVENTORY');

const categoryOf: Record<InventoryViolationCode, ErrorCategory> = {
  'INVENTORY.INVALID_QUANTITY': 'validation',
  'INVENTORY.WOULD_GO_NEGATIVE': 'conflict',
  'INVENTORY.BELOW_RESERVED': 'conflict',
  'INVENTORY.UNKNOWN_STOCK_LEVEL': 'conflict',
  'INVENTORY.STALE_AMENDMENT': 'conflict',
};

/**
 * Runs a domain decision; a broken inventory rule becomes an AppError with the domain's code
 * (already namespaced `INVENTORY.*`): a problem response over HTTP, a dead letter on the bus.
 */
export function decide<T>(decision: () => T): T {
  try {
    return decision();
  } catch (error) {
    if (error instanceof InventoryRuleViolation)
      throw new AppError(categoryOf[error.code], error.code, error.message);
    throw error;
  }
}
