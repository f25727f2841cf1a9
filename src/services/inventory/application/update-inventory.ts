import { UpdateInventory, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { changeStock, emptyStock } from '../domain/index.js';
import { ensureStockLevel, lockStockOf } from '../infrastructure/stock-repository.js';
import { emitSoldOut } from './events.js';
import { adjustStock } from './stock-adjustment.js';
import { levelIn } from './stock-changes.js';
import { stockView, type StockView } from './stock-view.js';

/**
 * Corrects the units on hand, up or down. Units held for orders cannot be taken away
 * (INVENTORY.BELOW_RESERVED), nor more than there are (INVENTORY.WOULD_GO_NEGATIVE).
 */
export async function updateInventory(
  uow: UnitOfWork,
  ids: IdGenerator,
  command: PayloadOf<typeof UpdateInventory>,
  /** Who asked: `http`, or the envelope source of a bus command. */
  source: string,
): Promise<StockView> {
  const productId = command.productId;
  const warehouseId = command.warehouseId;
  const { quantityChange } = command;
  // Only an increase may create a level; a decrease of an unknown one is refused below.
  if (quantityChange > 0) await ensureStockLevel(uow.sql, productId, warehouseId, uow.now);
  const stock = await lockStockOf(uow.sql, [productId]);
  const level = levelIn(stock, productId, warehouseId) ?? emptyStock(productId, warehouseId);
  const changed = changeStock(level, quantityChange);
  const after = await adjustStock(uow, ids, {
    stock,
    adjusted: changed,
    quantity: quantityChange,
    reason: 'manual_update',
    by: source,
  });
  if (quantityChange < 0) emitSoldOut(uow, after, [productId]);
  return stockView(productId, after);
}

export const updateInventoryHandler = (ids: IdGenerator) =>
  defineHandler({
    name: 'update-inventory',
    contract: UpdateInventory,
    handle: async ({ payload, envelope }, uow) => {
      await updateInventory(uow, ids, payload, envelope.source);
    },
  });
