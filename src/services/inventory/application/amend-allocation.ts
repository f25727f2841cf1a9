import {
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  OrderAmended,
  type PayloadOf,
} from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { amendableState, applyAmendment, planAmendment, type QuantityChange } from '../domain/index.js';
import { adjustedByOrder, emitAdjusted, emitSoldOut } from './events.js';
import { requireAllocation } from './reserve-inventory.js';
import { directStore } from '../infrastructure/stock-store.js';
import { recordStockChange, requireLevel, withChanges } from './stock-changes.js';

/**
 * What is held or taken for an order follows its amended quantities: increases all or none,
 * decreases given back. Taken units (a deducted order) move on hand; held ones move reserved.
 */
export async function amendAllocation(
  uow: UnitOfWork,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderAmended>, 'orderId' | 'amendedItems'>,
): Promise<void> {
  const orderId = event.orderId;
  const timestamp = uow.now.toISOString();
  const store = directStore(uow.sql, uow.now);
  const allocation = await requireAllocation(store, orderId, 'amended');
  const state = amendableState(allocation);

  const changes: QuantityChange[] = event.amendedItems.map((item) => ({
    productId: item.productId,
    oldQuantity: item.oldQuantity,
    newQuantity: item.newQuantity,
  }));
  const stock = await store.lockStockOf(changes.map((change) => change.productId));
  const plan = planAmendment({ state, current: allocation.allocations, changes, stock });
  if (plan.kind === 'short') {
    uow.emit(InventoryAmendmentRejected, { orderId, shortages: plan.shortages, timestamp });
    return;
  }

  const changed = applyAmendment(stock, plan);
  await recordStockChange(uow, store, { before: stock, after: changed, reason: 'order_amended', orderId });
  await store.saveOrderAllocation({ ...allocation, allocations: plan.resulting }, allocation);
  uow.emit(InventoryAmendmentApplied, { orderId, added: plan.added, removed: plan.removed, timestamp });
  if (state === 'deducted') {
    const adjustments = [
      ...plan.added.map((line) => ({ line, adjustedQuantity: -line.quantity })),
      ...plan.removed.map((line) => ({ line, adjustedQuantity: line.quantity })),
    ];
    for (const { line, adjustedQuantity } of adjustments) {
      emitAdjusted(uow, ids, {
        level: requireLevel(changed, line.productId, line.warehouseId),
        adjustedQuantity,
        reason: 'order_amended',
        adjustedBy: adjustedByOrder(orderId),
        orderId,
      });
    }
  }
  emitSoldOut(
    uow,
    withChanges(stock, changed),
    plan.added.map((line) => line.productId),
    orderId,
  );
}

export const amendAllocationHandler = (ids: IdGenerator) =>
  defineHandler({
    name: 'amend-allocation',
    contract: OrderAmended,
    handle: async ({ payload }, uow) => {
      await amendAllocation(uow, ids, payload);
    },
  });
