import {
  InventoryReservationFailed,
  InventoryReserved,
  OutOfStock,
  ReserveInventory,
  type PayloadOf,
} from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { Deferral } from '../../../platform/messaging/deferral.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import {
  allocate,
  applyReservation,
  onReservation,
  type OrderAllocation,
  type RequestedLine,
} from '../domain/index.js';
import type { StockStore } from '../infrastructure/stock-store.js';
import { emitSoldOut } from './events.js';
import { stockBatchHandler } from './stock-batch.js';
import { recordStockChange, withChanges } from './stock-changes.js';

/** The order's allocation exists: its confirmation or amendment, parked until then, can run. */
export const allocationFact = (orderId: string): string => `order-allocation:${orderId}`;

/** Holds every line of the order, all or none, in the warehouses the allocation rule picks. */
export async function reserveInventory(
  uow: UnitOfWork,
  store: StockStore,
  ids: IdGenerator,
  command: PayloadOf<typeof ReserveInventory>,
): Promise<void> {
  const orderId = command.orderId;
  const lines: RequestedLine[] = command.lines.map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
  }));
  const timestamp = uow.now.toISOString();

  const existing = await store.lockOrderAllocation(orderId);
  switch (onReservation(existing)) {
    case 'refuse':
      uow.emit(InventoryReservationFailed, { orderId, reason: 'order_cancelled', shortages: [], timestamp });
      return;
    case 'none':
      return;
    case 'reserve':
      break;
  }

  const productIds = lines.map((line) => line.productId);
  const stock = await store.lockStockOf(productIds);
  const result = allocate(lines, stock);

  if (result.kind === 'short') {
    const refused: OrderAllocation = { orderId, reservationId: null, state: 'refused', allocations: [] };
    await store.saveOrderAllocation(refused, existing);
    uow.resume(allocationFact(orderId));
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
    return;
  }

  const changed = applyReservation(stock, result.allocations);
  await recordStockChange(uow, store, { before: stock, after: changed, reason: 'order_reserved', orderId });
  const reservationId = ids.next();
  const { allocations } = result;
  await store.saveOrderAllocation({ orderId, reservationId, state: 'reserved', allocations }, existing);
  uow.resume(allocationFact(orderId));
  uow.emit(InventoryReserved, { orderId, reservationId, allocations, timestamp });
  emitSoldOut(uow, withChanges(stock, changed), productIds, orderId);
}

/**
 * The order's allocation, locked. A confirmation or an amendment may overtake the reservation
 * (they travel on other streams): then it waits, parked, until the reservation has been handled.
 */
export async function requireAllocation(
  store: Pick<StockStore, 'lockOrderAllocation'>,
  orderId: string,
  what: 'confirmed' | 'amended',
): Promise<OrderAllocation> {
  const allocation = await store.lockOrderAllocation(orderId);
  if (allocation) return allocation;
  throw new Deferral(
    allocationFact(orderId),
    `Order ${orderId} was ${what} but inventory holds no allocation for it yet`,
  );
}

export const reserveInventoryHandler = (ids: IdGenerator) =>
  stockBatchHandler({
    name: 'reserve-inventory',
    contract: ReserveInventory,
    orderIdOf: (command) => command.orderId,
    productsOf: (command) => command.lines.map((line) => line.productId),
    step: (uow, store, command) => reserveInventory(uow, store, ids, command),
  });
