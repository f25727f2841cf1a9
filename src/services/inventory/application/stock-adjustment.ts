import type { IdGenerator } from '../../../platform/kernel/ids.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import type { StockLevel } from '../domain/index.js';
import { directStore } from '../infrastructure/stock-store.js';
import { emitAdjusted } from './events.js';
import { recordStockChange, withChanges } from './stock-changes.js';

export interface StockAdjustment {
  /** The product's locked levels before the change. */
  readonly stock: readonly StockLevel[];
  /** The one level that changed, as the domain returned it. */
  readonly adjusted: StockLevel;
  readonly quantity: number;
  readonly reason: 'restock' | 'manual_update';
  /** Who asked: `http`, or the envelope source of a bus command. */
  readonly by: string;
}

/**
 * Records a change of one level that no order caused (units received, a count corrected) and
 * announces it; returns the product's levels after it.
 */
export async function adjustStock(
  uow: UnitOfWork,
  ids: IdGenerator,
  { stock, adjusted, quantity, reason, by }: StockAdjustment,
): Promise<readonly StockLevel[]> {
  await recordStockChange(uow, directStore(uow.sql, uow.now), { before: stock, after: [adjusted], reason });
  emitAdjusted(uow, ids, { level: adjusted, adjustedQuantity: quantity, reason, adjustedBy: by });
  return withChanges(stock, [adjusted]);
}
