import { inventoryRules } from './errors.js';
import { requirePositiveQuantity } from './quantity.js';

/** Stock of one product in one warehouse. Always integers with 0 <= reserved <= onHand. */
export interface StockLevel {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}

export function available(level: StockLevel): number {
  return level.onHand - level.reserved;
}

export function emptyStock(productId: string, warehouseId: string): StockLevel {
  return { productId, warehouseId, onHand: 0, reserved: 0 };
}

/** Goods arriving in the warehouse (AddInventory), or deducted units coming back. */
export function receiveStock(level: StockLevel, quantity: number): StockLevel {
  requirePositiveQuantity(level.productId, quantity);
  return { ...level, onHand: level.onHand + quantity };
}

/** A correction of what is on hand (UpdateInventory); units held for orders cannot be taken away. */
export function changeStock(level: StockLevel, quantityChange: number): StockLevel {
  const { productId, warehouseId } = level;
  if (!Number.isInteger(quantityChange) || quantityChange === 0) {
    throw inventoryRules.validation(
      'INVALID_QUANTITY',
      `Stock change of product ${productId} must be a non-zero integer, got ${quantityChange}`,
    );
  }
  const onHand = level.onHand + quantityChange;
  if (onHand < 0) {
    throw inventoryRules.conflict(
      'WOULD_GO_NEGATIVE',
      `Changing stock of product ${productId} at warehouse ${warehouseId} by ${quantityChange} would leave ${onHand} on hand`,
    );
  }
  if (onHand < level.reserved) {
    throw inventoryRules.conflict(
      'BELOW_RESERVED',
      `Changing stock of product ${productId} at warehouse ${warehouseId} by ${quantityChange} would leave ${onHand} on hand, below the ${level.reserved} reserved`,
    );
  }
  return { ...level, onHand };
}

export function reserveStock(level: StockLevel, quantity: number): StockLevel {
  requirePositiveQuantity(level.productId, quantity);
  if (quantity > available(level)) {
    throw inventoryRules.conflict(
      'WOULD_GO_NEGATIVE',
      `Reserving ${quantity} of product ${level.productId} at warehouse ${level.warehouseId} exceeds the ${available(level)} available`,
    );
  }
  return { ...level, reserved: level.reserved + quantity };
}

export function releaseStock(level: StockLevel, quantity: number): StockLevel {
  requireReserved(level, quantity, 'Releasing');
  return { ...level, reserved: level.reserved - quantity };
}

export function deductStock(level: StockLevel, quantity: number): StockLevel {
  requireReserved(level, quantity, 'Deducting');
  return { ...level, onHand: level.onHand - quantity, reserved: level.reserved - quantity };
}

/** Identifies a product's level in a warehouse; JSON keeps the pair unambiguous whatever the ids contain. */
export function stockKey(productId: string, warehouseId: string): string {
  return JSON.stringify([productId, warehouseId]);
}

function requireReserved(level: StockLevel, quantity: number, action: string): void {
  requirePositiveQuantity(level.productId, quantity);
  if (quantity > level.reserved) {
    throw inventoryRules.conflict(
      'WOULD_GO_NEGATIVE',
      `${action} ${quantity} of product ${level.productId} at warehouse ${level.warehouseId} exceeds the ${level.reserved} reserved`,
    );
  }
}
