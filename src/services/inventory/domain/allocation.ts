import { requirePositiveQuantity } from './quantity.js';
import { available, type StockLevel } from './stock.js';

export interface RequestedLine {
  productId: string;
  quantity: number;
}

/** Units of one product that an order takes from one warehouse. */
export interface Allocation {
  productId: string;
  warehouseId: string;
  quantity: number;
}

export interface Shortage {
  productId: string;
  requested: number;
  available: number;
}

export type AllocationResult =
  { kind: 'allocated'; allocations: Allocation[] } | { kind: 'short'; shortages: Shortage[] };

type ProductAllocation =
  { kind: 'allocated'; allocations: Allocation[] } | { kind: 'short'; shortage: Shortage };

/**
 * Decides which warehouses every line is taken from, all lines or none.
 * Each product is taken from the warehouses with the most available first, so it spans as few
 * warehouses as possible. Allocations come out in the order they were chosen.
 */
export function allocate(lines: readonly RequestedLine[], stock: readonly StockLevel[]): AllocationResult {
  const allocations: Allocation[] = [];
  const shortages: Shortage[] = [];
  for (const line of mergeLines(lines)) {
    const result = allocateProduct(line, stock);
    switch (result.kind) {
      case 'allocated':
        allocations.push(...result.allocations);
        break;
      case 'short':
        shortages.push(result.shortage);
        break;
    }
  }
  return shortages.length === 0 ? { kind: 'allocated', allocations } : { kind: 'short', shortages };
}

function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of lines) {
    requirePositiveQuantity(productId, quantity);
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  }
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

function allocateProduct(
  { productId, quantity }: RequestedLine,
  stock: readonly StockLevel[],
): ProductAllocation {
  const candidates = stock
    .filter((level) => level.productId === productId && available(level) > 0)
    .sort(byPreference);
  const totalAvailable = candidates.reduce((sum, level) => sum + available(level), 0);
  if (totalAvailable < quantity) {
    return { kind: 'short', shortage: { productId, requested: quantity, available: totalAvailable } };
  }
  const allocations: Allocation[] = [];
  let remaining = quantity;
  for (const level of candidates) {
    if (remaining === 0) break;
    const taken = Math.min(remaining, available(level));
    allocations.push({ productId, warehouseId: level.warehouseId, quantity: taken });
    remaining -= taken;
  }
  return { kind: 'allocated', allocations };
}

function byPreference(a: StockLevel, b: StockLevel): number {
  return available(b) - available(a) || compareIds(a.warehouseId, b.warehouseId);
}

// Code-unit order rather than localeCompare, so the tie-break does not depend on the host's locale.
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
