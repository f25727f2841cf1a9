import { inventoryRules } from './errors.js';

export function requirePositiveQuantity(productId: string, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity <= 0) {
    throw inventoryRules.validation(
      'INVALID_QUANTITY',
      `Quantity of product ${productId} must be a positive integer, got ${quantity}`,
    );
  }
}

export function requireNonNegativeQuantity(productId: string, quantity: number): void {
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw inventoryRules.validation(
      'INVALID_QUANTITY',
      `Quantity of product ${productId} must be a non-negative integer, got ${quantity}`,
    );
  }
}
