import { available, type StockLevel } from '../domain/index.js';

export interface WarehouseStockView {
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
}

/** What a product's stock looks like from outside: per warehouse and in total. */
export interface StockView {
  readonly productId: string;
  readonly warehouses: WarehouseStockView[];
  readonly totals: { readonly onHand: number; readonly reserved: number; readonly available: number };
}

export function stockView(productId: string, stock: readonly StockLevel[]): StockView {
  const warehouses = stock
    .filter((level) => level.productId === productId)
    .map((level) => ({
      warehouseId: level.warehouseId,
      onHand: level.onHand,
      reserved: level.reserved,
      available: available(level),
    }))
    .sort((a, b) => (a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0));
  const sum = (pick: (warehouse: WarehouseStockView) => number) =>
    warehouses.reduce((total, warehouse) => total + pick(warehouse), 0);
  return {
    productId,
    warehouses,
    totals: {
      onHand: sum((w) => w.onHand),
      reserved: sum((w) => w.reserved),
      available: sum((w) => w.available),
    },
  };
}
