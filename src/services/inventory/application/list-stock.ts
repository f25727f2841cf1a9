import type { Sql } from '../../../platform/db/database.js';
import { readStockPage } from '../infrastructure/stock-repository.js';
import { stockView, type StockView } from './stock-view.js';

export interface StockPage {
  readonly products: StockView[];
  /** The product to list after for the next page; null on the last page. */
  readonly nextAfter: string | null;
}

/** Every product's stock per warehouse, a page of products at a time, by product id. */
export async function listStock(sql: Sql, page: { after?: string; limit: number }): Promise<StockPage> {
  const levels = await readStockPage(sql, { ...page, limit: page.limit + 1 });
  const productIds = [...new Set(levels.map((level) => level.productId))];
  const shown = productIds.slice(0, page.limit);
  return {
    products: shown.map((productId) => stockView(productId, levels)),
    nextAfter: productIds.length > page.limit ? (shown.at(-1) ?? null) : null,
  };
}
