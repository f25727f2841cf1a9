import { InventoryReleased, OrderCancelled, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import {
  applyRelease,
  applyRestock,
  onCancellation,
  tombstone,
  type OrderAllocation,
} from '../domain/index.js';
import type { StockStore } from '../infrastructure/stock-store.js';
import { adjustedByOrder, emitAdjusted } from './events.js';
import { allocationFact } from './reserve-inventory.js';
import { stockBatchHandler } from './stock-batch.js';
import { recordStockChange, requireLevel } from './stock-changes.js';

/**
 * A cancelled order gives back what inventory holds or took for it. Cancelled before any
 * reservation, it leaves a tombstone so that a reservation arriving later is refused.
 */
export async function releaseOrder(
  uow: UnitOfWork,
  store: StockStore,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderCancelled>, 'orderId'>,
): Promise<void> {
  const orderId = event.orderId;
  const allocation = await store.lockOrderAllocation(orderId);
  switch (onCancellation(allocation)) {
    case 'release':
      if (allocation) await release(uow, store, allocation);
      return;
    case 'restock':
      if (allocation) await restock(uow, store, ids, allocation);
      return;
    case 'tombstone':
      await store.saveOrderAllocation(tombstone(orderId), allocation);
      uow.resume(allocationFact(orderId));
      return;
    case 'none':
      return;
  }
}

async function release(uow: UnitOfWork, store: StockStore, allocation: OrderAllocation): Promise<void> {
  const { orderId, reservationId, allocations } = allocation;
  const stock = await store.lockStockOf(allocations.map((line) => line.productId));
  const changed = applyRelease(stock, allocations);
  await recordStockChange(uow, store, { before: stock, after: changed, reason: 'order_released', orderId });
  await store.saveOrderAllocation({ ...allocation, state: 'released' }, allocation);
  // An amendment may have taken every line to zero: then nothing was held and there is nothing to announce.
  if (allocations.length === 0 || reservationId === null) return;
  uow.emit(InventoryReleased, {
    orderId,
    reservationId,
    released: [...allocations],
    reason: 'order_cancelled',
    timestamp: uow.now.toISOString(),
  });
}

async function restock(
  uow: UnitOfWork,
  store: StockStore,
  ids: IdGenerator,
  allocation: OrderAllocation,
): Promise<void> {
  const { orderId, allocations } = allocation;
  const stock = await store.lockStockOf(allocations.map((line) => line.productId));
  const changed = applyRestock(stock, allocations);
  await recordStockChange(uow, store, { before: stock, after: changed, reason: 'order_restocked', orderId });
  await store.saveOrderAllocation({ ...allocation, state: 'restocked' }, allocation);
  for (const line of allocations) {
    emitAdjusted(uow, ids, {
      level: requireLevel(changed, line.productId, line.warehouseId),
      adjustedQuantity: line.quantity,
      reason: 'order_cancelled',
      adjustedBy: adjustedByOrder(orderId),
      orderId,
    });
  }
}

export const releaseOrderHandler = (ids: IdGenerator) =>
  stockBatchHandler({
    name: 'release-order',
    contract: OrderCancelled,
    orderIdOf: (event) => event.orderId,
    step: (uow, store, event) => releaseOrder(uow, store, ids, event),
  });
