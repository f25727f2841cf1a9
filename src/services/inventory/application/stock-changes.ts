import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { available, type StockLevel } from '../domain/index.js';
import type { Movement, MovementReason } from '../infrastructure/stock-repository.js';
import type { StockStore } from '../infrastructure/stock-store.js';

const keyOf = (level: { productId: string; warehouseId: string }) =>
  `${level.productId}/${level.warehouseId}`;

export interface StockChange {
  /** The locked levels before the change (at least every level that changed). */
  readonly before: readonly StockLevel[];
  /** The levels that changed, as the domain returned them. */
  readonly after: readonly StockLevel[];
  readonly reason: MovementReason;
  readonly orderId?: string;
}

/**
 * Writes changed levels and their movements together, the deltas taken from before and after, so
 * that the ledger always sums to the levels.
 */
export async function recordStockChange(
  uow: UnitOfWork,
  store: StockStore,
  { before, after, reason, orderId }: StockChange,
): Promise<void> {
  const previous = new Map(before.map((level) => [keyOf(level), level]));
  const movements: Movement[] = [];
  for (const level of after) {
    const old = previous.get(keyOf(level));
    if (old === undefined) throw new Error(`Stock level ${keyOf(level)} changed without being locked first`);
    const onHandDelta = level.onHand - old.onHand;
    const reservedDelta = level.reserved - old.reserved;
    if (onHandDelta === 0 && reservedDelta === 0) continue;
    movements.push({
      productId: level.productId,
      warehouseId: level.warehouseId,
      onHandDelta,
      reservedDelta,
      reason,
      orderId: orderId ?? null,
      messageId: uow.origin.causationId ?? null,
      at: uow.now,
    });
  }
  await store.updateStockLevels(after);
  await store.appendMovements(movements);
}

/** `stock` with the levels in `changed` replacing theirs (and added when new). */
export function withChanges(stock: readonly StockLevel[], changed: readonly StockLevel[]): StockLevel[] {
  const levels = new Map(stock.map((level) => [keyOf(level), level]));
  for (const level of changed) levels.set(keyOf(level), level);
  return [...levels.values()];
}

export function levelIn(
  stock: readonly StockLevel[],
  productId: string,
  warehouseId: string,
): StockLevel | undefined {
  return stock.find((level) => level.productId === productId && level.warehouseId === warehouseId);
}

/** Units of the product available over every warehouse in `stock`. */
export function availableOver(stock: readonly StockLevel[], productId: string): number {
  return stock
    .filter((level) => level.productId === productId)
    .reduce((sum, level) => sum + available(level), 0);
}

/** The level, which the caller knows is in `stock` (it just changed it). */
export function requireLevel(
  stock: readonly StockLevel[],
  productId: string,
  warehouseId: string,
): StockLevel {
  const level = levelIn(stock, productId, warehouseId);
  if (level === undefined)
    throw new Error(`No stock level of product ${productId} at warehouse ${warehouseId}`);
  return level;
}
