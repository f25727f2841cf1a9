import { AddInventory, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { receiveStock } from '../domain/index.js';
import { ensureStockLevel, lockStockOf } from '../infrastructure/stock-repository.js';
import { adjustStock } from './stock-adjustment.js';
import { requireLevel } from './stock-changes.js';
import { stockView, type StockView } from './stock-view.js';

/** New units arrive in a warehouse; the product and warehouse need not be known yet. */
export async function addInventory(
  uow: UnitOfWork,
  ids: IdGenerator,
  command: PayloadOf<typeof AddInventory>,
  /** Who asked: `http`, or the envelope source of a bus command. */
  source: string,
): Promise<StockView> {
  const productId = command.productId;
  const warehouseId = command.warehouseId;
  await ensureStockLevel(uow.sql, productId, warehouseId, uow.now);
  const stock = await lockStockOf(uow.sql, [productId]);
  const received = receiveStock(requireLevel(stock, productId, warehouseId), command.quantity);
  const after = await adjustStock(uow, ids, {
    stock,
    adjusted: received,
    quantity: command.quantity,
    reason: 'restock',
    by: source,
  });
  return stockView(productId, after);
}

export const addInventoryHandler = (ids: IdGenerator) =>
  defineHandler({
    name: 'add-inventory',
    contract: AddInventory,
    handle: async ({ payload, envelope }, uow) => {
      await addInventory(uow, ids, payload, envelope.source);
    },
  });
