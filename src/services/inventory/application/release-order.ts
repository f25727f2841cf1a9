import { InventoryReleased, OrderCancelled, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/consumer.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import {
  applyRelease,
  applyRestock,
  onCancellation,
  tombstone,
  type OrderAllocation,
} from '../domain/index.js';
import {
  lockOrderAllocation,
  lockStockOf,
  saveOrderAllocation,
  updateOrderAllocation,
} from '../infrastructure/stock-repository.js';
import { adjustedByOrder, emitAdjusted } from './events.js';
import { allocationFact } from './reserve-inventory.js';
import { recordStockChange, requireLevel } from './stock-changes.js';

/**
 * A cancelled order gives back what inventory holds or took for it. Cancelled before any
 * reservation, it leaves a tombstone so that a reservation arriving later is refused.
 */
export async function releaseOrder(
  uow: UnitOfWork,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderCancelled>, 'orderId'>,
): Promise<void> {
  const orderId = event.orderId;
  const allocation = await lockOrderAllocation(uow.sql, orderId);
  switch (onCancellation(allocation)) {
    case 'release':
      if (allocation) await release(uow, allocation);
      return;
    case 'restock':
      if (allocation) await restock(uow, ids, allocation);
      return;
    case 'tombstone':
      await saveOrderAllocation(uow.sql, tombstone(orderId), allocation, uow.now);
      uow.resume(allocationFact(orderId));
      return;
    case 'none':
      return;
  }
}

async function release(uow: UnitOfWork, allocation: OrderAllocation): Promise<void> {
  const { orderId, reservationId, allocations } = allocation;
  const stock = await lockStockOf(
    uow.sql,
    allocations.map((line) => line.productId),
  );
  const changed = applyRelease(stock, allocations);
  await recordStockChange(uow, { before: stock, after: changed, reason: 'order_released', orderId });
  await updateOrderAllocation(uow.sql, { ...allocation, state: 'released' }, uow.now);
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

async function restock(uow: UnitOfWork, ids: IdGenerator, allocation: OrderAllocation): Promise<void> {
  const { orderId, allocations } = allocation;
  const stock = await lockStockOf(
    uow.sql,
    allocations.map((line) => line.productId),
  );
  const changed = applyRestock(stock, allocations);
  await recordStockChange(uow, { before: stock, after: changed, reason: 'order_restocked', orderId });
  await updateOrderAllocation(uow.sql, { ...allocation, state: 'restocked' }, uow.now);
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
  defineHandler({
    name: 'release-order',
    contract: OrderCancelled,
    handle: async ({ payload }, uow) => {
      await releaseOrder(uow, ids, payload);
    },
  });
