import {
  InventoryReservationFailed,
  InventoryReserved,
  OutOfStock,
  ReserveInventory,
  type PayloadOf,
} from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { defineHandler } from '../../../platform/messaging/consumer.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { allocate, applyReservation, type RequestedLine } from '../domain/index.js';
import {
  lockOrderAllocation,
  lockStockOf,
  saveOrderAllocation,
  type OrderAllocation,
  type OrderAllocationState,
} from '../infrastructure/stock-repository.js';
import { emitSoldOut } from './events.js';
import { recordStockChange, withChanges } from './stock-changes.js';

export type ReservationOutcome = 'reserved' | 'refused' | 'already_reserved';

/** States an order only reaches by being cancelled: nothing may be reserved for it any more. */
const cancelledStates: ReadonlySet<OrderAllocationState> = new Set(['cancelled', 'released', 'restocked']);

/** Holds every line of the order, all or none, in the warehouses the allocation rule picks. */
export async function reserveInventory(
  uow: UnitOfWork,
  ids: IdGenerator,
  command: PayloadOf<typeof ReserveInventory>,
): Promise<ReservationOutcome> {
  const orderId = command.orderId;
  const lines: RequestedLine[] = command.lines.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
  }));
  const timestamp = uow.now.toISOString();

  const existing = await lockOrderAllocation(uow.sql, orderId);
  if (existing && cancelledStates.has(existing.state)) {
    uow.emit(InventoryReservationFailed, { orderId, reason: 'order_cancelled', shortages: [], timestamp });
    return 'refused';
  }
  if (existing?.state === 'reserved' || existing?.state === 'deducted') return 'already_reserved';

  const productIds = lines.map((line) => line.productId);
  const stock = await lockStockOf(uow.sql, productIds);
  const result = allocate(lines, stock);

  if (result.kind === 'short') {
    const refused: OrderAllocation = { orderId, reservationId: null, state: 'refused', allocations: [] };
    await saveOrderAllocation(uow.sql, refused, existing, uow.now);
    const stocked = new Set(stock.map((level) => level.productId));
    const unknown = productIds.some((productId) => !stocked.has(productId));
    uow.emit(InventoryReservationFailed, {
      orderId,
      reason: unknown ? 'unknown_product' : 'insufficient_stock',
      shortages: result.shortages,
      timestamp,
    });
    for (const shortage of result.shortages) {
      uow.emit(OutOfStock, {
        productId: shortage.productId,
        availableQuantity: shortage.available,
        requestedQuantity: shortage.requested,
        orderId,
        timestamp,
      });
    }
    return 'refused';
  }

  const changed = applyReservation(stock, result.allocations);
  await recordStockChange(uow, { before: stock, after: changed, reason: 'order_reserved', orderId });
  const reservationId = ids.next();
  const { allocations } = result;
  await saveOrderAllocation(
    uow.sql,
    { orderId, reservationId, state: 'reserved', allocations },
    existing,
    uow.now,
  );
  uow.emit(InventoryReserved, { orderId, reservationId, allocations, timestamp });
  emitSoldOut(uow, withChanges(stock, changed), productIds, orderId);
  return 'reserved';
}

export const reserveInventoryHandler = (ids: IdGenerator) =>
  defineHandler({
    name: 'reserve-inventory',
    contract: ReserveInventory,
    handle: async ({ payload }, uow) => {
      await reserveInventory(uow, ids, payload);
    },
  });
