import { OrderConfirmed, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/consumer.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { applyDeduction, onConfirmation } from '../domain/index.js';
import { lockStockOf, updateOrderAllocation } from '../infrastructure/stock-repository.js';
import { adjustedByOrder, emitAdjusted } from './events.js';
import { requireAllocation } from './reserve-inventory.js';
import { recordStockChange, requireLevel } from './stock-changes.js';

/** A confirmed order's reserved units leave the shelf: on hand and reserved both go down. */
export async function fulfilOrder(
  uow: UnitOfWork,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderConfirmed>, 'orderId'>,
): Promise<void> {
  const orderId = event.orderId;
  const allocation = await requireAllocation(uow, orderId, 'confirmed');
  if (onConfirmation(allocation) === 'none') return;

  const stock = await lockStockOf(
    uow.sql,
    allocation.allocations.map((line) => line.productId),
  );
  const changed = applyDeduction(stock, allocation.allocations);
  await recordStockChange(uow, { before: stock, after: changed, reason: 'order_fulfilled', orderId });
  await updateOrderAllocation(uow.sql, { ...allocation, state: 'deducted' }, uow.now);
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
  defineHandler({
    name: 'fulfil-order',
    contract: OrderConfirmed,
    handle: async ({ payload }, uow) => {
      await fulfilOrder(uow, ids, payload);
    },
  });
