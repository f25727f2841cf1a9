import { allocate, type Allocation, type RequestedLine, type Shortage } from './allocation.js';
import { inventoryRules } from './errors.js';
import { requireNonNegativeQuantity } from './quantity.js';
import { applyMovements } from './stock-movements.js';
import { deductStock, receiveStock, releaseStock, reserveStock, stockKey, type StockLevel } from './stock.js';

/** Whether an order's units are still held for it or already taken off the shelf. */
export type AllocationState = 'reserved' | 'deducted';

/** A line's quantity going from old to new: 0 -> n adds the line, n -> 0 removes it. */
export interface QuantityChange {
  productId: string;
  oldQuantity: number;
  newQuantity: number;
}

export interface AmendmentRequest {
  state: AllocationState;
  /** The order's allocations in the order they were chosen, as `allocate` and `planAmendment` return them. */
  current: readonly Allocation[];
  changes: readonly QuantityChange[];
  stock: readonly StockLevel[];
}

/** `added` is to be taken from stock and `removed` given back to it; `resulting` is the order's new allocation set. */
export interface PlannedAmendment {
  kind: 'planned';
  state: AllocationState;
  added: Allocation[];
  removed: Allocation[];
  resulting: Allocation[];
}

export type AmendmentPlan = PlannedAmendment | { kind: 'short'; shortages: Shortage[] };

interface QuantityDelta {
  productId: string;
  delta: number;
}

/**
 * Plans how an order's allocations follow a change of its quantities, all increases or none.
 * Increases are allocated like new lines, so a shortage's `requested` is the increase.
 * Decreases give units back from the warehouse chosen last first, the reverse of allocation preference.
 */
export function planAmendment({ state, current, changes, stock }: AmendmentRequest): AmendmentPlan {
  const chosen = mergeAllocations(current);
  const deltas = mergeChanges(changes).map((change) => deltaAgainst(chosen, change));
  const allocation = allocate(increases(deltas), stock);
  if (allocation.kind === 'short') return allocation;

  const added = allocation.allocations;
  const removed = deltas
    .filter(({ delta }) => delta < 0)
    .flatMap(({ productId, delta }) => giveBack(chosen, productId, -delta));
  const resulting = mergeAllocations([...chosen, ...added, ...removed.map(negated)]);
  return { kind: 'planned', state, added, removed, resulting };
}

/** The stock levels a planned amendment changes, moved the way the order's state requires. */
export function applyAmendment(
  stock: readonly StockLevel[],
  { state, added, removed }: PlannedAmendment,
): StockLevel[] {
  switch (state) {
    case 'reserved':
      return applyMovements(stock, [
        { allocations: added, move: reserveStock },
        { allocations: removed, move: releaseStock },
      ]);
    case 'deducted':
      // A deduction consumes a reservation, so added units are reserved and deducted straight away.
      return applyMovements(stock, [
        { allocations: added, move: reserveStock },
        { allocations: added, move: deductStock },
        { allocations: removed, move: receiveStock },
      ]);
  }
}

// Lines of one product are allocated together, so their changes are judged together too.
function mergeChanges(changes: readonly QuantityChange[]): QuantityChange[] {
  const merged = new Map<string, QuantityChange>();
  for (const change of changes) {
    requireNonNegativeQuantity(change.productId, change.oldQuantity);
    requireNonNegativeQuantity(change.productId, change.newQuantity);
    const earlier = merged.get(change.productId);
    merged.set(
      change.productId,
      earlier === undefined
        ? change
        : {
            productId: change.productId,
            oldQuantity: earlier.oldQuantity + change.oldQuantity,
            newQuantity: earlier.newQuantity + change.newQuantity,
          },
    );
  }
  return [...merged.values()];
}

function deltaAgainst(chosen: readonly Allocation[], change: QuantityChange): QuantityDelta {
  const { productId, oldQuantity, newQuantity } = change;
  const allocated = chosen
    .filter((allocation) => allocation.productId === productId)
    .reduce((sum, allocation) => sum + allocation.quantity, 0);
  if (allocated !== oldQuantity) {
    throw inventoryRules.conflict(
      'STALE_AMENDMENT',
      `Amendment of product ${productId} expects ${oldQuantity} allocated, but ${allocated} are`,
    );
  }
  return { productId, delta: newQuantity - oldQuantity };
}

function increases(deltas: readonly QuantityDelta[]): RequestedLine[] {
  return deltas
    .filter(({ delta }) => delta > 0)
    .map(({ productId, delta }) => ({ productId, quantity: delta }));
}

function giveBack(chosen: readonly Allocation[], productId: string, quantity: number): Allocation[] {
  const givenBack: Allocation[] = [];
  let remaining = quantity;
  for (const allocation of chosen.filter((candidate) => candidate.productId === productId).reverse()) {
    if (remaining === 0) break;
    const returned = Math.min(remaining, allocation.quantity);
    givenBack.push({ ...allocation, quantity: returned });
    remaining -= returned;
  }
  return givenBack;
}

/** Sums allocations per product and warehouse, keeping the order each was first chosen in. */
function mergeAllocations(allocations: readonly Allocation[]): Allocation[] {
  const merged = new Map<string, Allocation>();
  for (const allocation of allocations) {
    const key = stockKey(allocation.productId, allocation.warehouseId);
    const quantity = (merged.get(key)?.quantity ?? 0) + allocation.quantity;
    merged.set(key, { ...allocation, quantity });
  }
  return [...merged.values()].filter(({ quantity }) => quantity !== 0);
}

function negated(allocation: Allocation): Allocation {
  return { ...allocation, quantity: -allocation.quantity };
}
