import type { Sql } from '../../../platform/db/database.js';
import { inventoryRules } from '../domain/index.js';
import { readStockOf } from '../infrastructure/stock-repository.js';
import { stockView, type StockView } from './stock-view.js';

/** A product's stock per warehouse and in total. */
export async function getStock(sql: Sql, productId: string): Promise<StockView> {
  const id = productId;
  const stock = await readStockOf(sql, id);
  if (stock.length === 0) {
    throw inventoryRules.notFound('UNKNOWN_PRODUCT', `Inventory holds no stock of product ${id}`);
  }
  return stockView(id, stock);
}
