import { OrderConfirmed, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/consumer.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { applyDeduction, inventoryRules } from '../domain/index.js';
import {
  lockOrderAllocation,
  lockStockOf,
  updateOrderAllocation,
} from '../infrastructure/stock-repository.js';
import { adjustedByOrder, emitAdjusted } from './events.js';
import { recordStockChange, requireLevel } from './stock-changes.js';

export type FulfilmentOutcome = 'deducted' | 'already_settled';

/** A confirmed order's reserved units leave the shelf: on hand and reserved both go down. */
export async function fulfilOrder(
  uow: UnitOfWork,
  ids: IdGenerator,
  event: Pick<PayloadOf<typeof OrderConfirmed>, 'orderId'>,
): Promise<FulfilmentOutcome> {
  const orderId = event.orderId;
  const allocation = await lockOrderAllocation(uow.sql, orderId);
  if (allocation === undefined) {
    // Transient: the reservation may not have been handled yet, a retry can find it.
    throw new Error(`Order ${orderId} was confirmed but inventory holds no allocation for it yet`);
  }
  switch (allocation.state) {
    case 'reserved':
      break;
    case 'deducted':
    case 'released':
    case 'restocked':
      return 'already_settled';
    case 'refused':
    case 'cancelled':
      throw inventoryRules.conflict(
        'NOTHING_RESERVED',
        `Order ${orderId} was confirmed, but inventory ${allocation.state === 'refused' ? 'refused its reservation' : 'saw it cancelled'}: there is nothing to deduct`,
      );
  }

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
  return 'deducted';
}

export const fulfilOrderHandler = (ids: IdGenerator) =>
  defineHandler({
    name: 'fulfil-order',
    contract: OrderConfirmed,
    handle: async ({ payload }, uow) => {
      await fulfilOrder(uow, ids, payload);
    },
  });
