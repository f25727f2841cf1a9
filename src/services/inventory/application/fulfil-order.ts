import { OrderConfirmed, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { applyDeduction, onConfirmation } from '../domain/index.js';
import type { StockStore } from '../infrastructure/stock-store.js';
import { adjustedByOrder, emitAdjusted } from './events.js';
import { requireAllocation } from './reserve-inventory.js';
import { stockBatchHandler } from './stock-batch.js';
import { recordStockChange, requireLevel } from './stock-changes.js';

/** A confirmed order's reserved units leave the shelf: on hand and reserved both go down. */
export async function fulfilOrder(
  uow: UnitOfWork,
  store: StockStore,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderConfirmed>, 'orderId'>,
): Promise<void> {
  const orderId = event.orderId;
  const allocation = await requireAllocation(store, orderId, 'confirmed');
  if (onConfirmation(allocation) === 'none') return;

  const stock = await store.lockStockOf(allocation.allocations.map((line) => line.productId));
  const changed = applyDeduction(stock, allocation.allocations);
  await recordStockChange(uow, store, { before: stock, after: changed, reason: 'order_fulfilled', orderId });
  await store.saveOrderAllocation({ ...allocation, state: 'deducted' }, allocation);
  for (const line of allocation.allocations) {
    emitAdjusted(uow, ids, {
      level: requireLevel(changed, line.productId, line.warehouseId),
      adjustedQuantity: -line.quantity,
      reason: 'order_fulfilled',
      adjustedBy: adjustedByOrder(orderId),
      orderId,
    });
  }
}

export const fulfilOrderHandler = (ids: IdGenerator) =>
  stockBatchHandler({
    name: 'fulfil-order',
    contract: OrderConfirmed,
    orderIdOf: (event) => event.orderId,
    step: (uow, store, event) => fulfilOrder(uow, store, ids, event),
  });
