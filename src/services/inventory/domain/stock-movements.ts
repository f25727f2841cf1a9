import type { Allocation } from './allocation.js';
import { inventoryRules } from './errors.js';
import { deductStock, receiveStock, releaseStock, reserveStock, stockKey, type StockLevel } from './stock.js';

/** One kind of change, applied to each stock level named by the allocations. */
export interface Movement {
  allocations: readonly Allocation[];
  move: (level: StockLevel, quantity: number) => StockLevel;
}

/**
 * Applies the movements in order and returns the levels they changed, as new objects.
 * Throws instead if any step would break a level's invariants: that is a bug or a concurrent
 * change of the stock, which the caller must resolve.
 */
export function applyMovements(stock: readonly StockLevel[], movements: readonly Movement[]): StockLevel[] {
  const levels = new Map(stock.map((level) => [stockKey(level.productId, level.warehouseId), level]));
  const changed = new Map<string, StockLevel>();
  for (const { allocations, move } of movements) {
    for (const { productId, warehouseId, quantity } of allocations) {
      const key = stockKey(productId, warehouseId);
      const level = changed.get(key) ?? levels.get(key);
      if (level === undefined) {
        throw inventoryRules.conflict(
          'UNKNOWN_STOCK_LEVEL',
          `No stock level for product ${productId} at warehouse ${warehouseId}`,
        );
      }
      changed.set(key, move(level, quantity));
    }
  }
  return [...changed.values()];
}

export function applyReservation(
  stock: readonly StockLevel[],
  allocations: readonly Allocation[],
): StockLevel[] {
  return applyMovements(stock, [{ allocations, move: reserveStock }]);
}

export function applyRelease(stock: readonly StockLevel[], allocations: readonly Allocation[]): StockLevel[] {
  return applyMovements(stock, [{ allocations, move: releaseStock }]);
}

export function applyDeduction(
  stock: readonly StockLevel[],
  allocations: readonly Allocation[],
): StockLevel[] {
  return applyMovements(stock, [{ allocations, move: deductStock }]);
}

/** Puts the units of a cancelled, already deducted order back on hand where they were taken. */
export function applyRestock(stock: readonly StockLevel[], allocations: readonly Allocation[]): StockLevel[] {
  return applyMovements(stock, [{ allocations, move: receiveStock }]);
}
