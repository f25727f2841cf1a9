export type InventoryViolationCode =
  | 'INVENTORY.INVALID_QUANTITY'
  | 'INVENTORY.WOULD_GO_NEGATIVE'
  | 'INVENTORY.BELOW_RESERVED'
  | 'INVENTORY.UNKNOWN_STOCK_LEVEL'
  | 'INVENTORY.STALE_AMENDMENT';

/** A command or stock movement that would break an inventory rule; nothing was changed. */
export class InventoryRuleViolation extends Error {
  override readonly name = 'InventoryRuleViolation';

  constructor(
    readonly code: InventoryViolationCode,
    readonly productId: string,
    message: string,
  ) {
    super(message);
  }
}
