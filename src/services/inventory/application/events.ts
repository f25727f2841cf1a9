import { InventoryAdjusted, OutOfStock, type PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { available, type StockLevel } from '../domain/index.js';
import { availableOver } from './stock-changes.js';

export type AdjustmentReason = PayloadOf<typeof InventoryAdjusted>['adjustment_reason'];

export interface Adjustment {
  /** The level after the change. */
  readonly level: StockLevel;
  /** Signed change of the units on hand. */
  readonly adjustedQuantity: number;
  readonly reason: AdjustmentReason;
  /** `order:<id>` or the source of the command. */
  readonly adjustedBy: string;
  readonly orderId?: string;
}

/** InventoryAdjusted, whose `event_id` is also its envelope id. */
export function emitAdjusted(uow: UnitOfWork, ids: IdGenerator, adjustment: Adjustment): void {
  const { level, adjustedQuantity, reason, adjustedBy, orderId } = adjustment;
  const payload: PayloadOf<typeof InventoryAdjusted> = {
    event_id: ids.next(),
    timestamp: uow.now.toISOString(),
    product_id: level.productId,
    warehouse_id: level.warehouseId,
    adjusted_quantity: adjustedQuantity,
    new_quantity: level.onHand,
    available_quantity: available(level),
    adjustment_reason: reason,
    adjusted_by: adjustedBy,
    ...(orderId === undefined ? {} : { order_id: orderId }),
  };
  uow.emit(InventoryAdjusted, payload, { id: payload.event_id });
}

export const adjustedByOrder = (orderId: string) => `order:${orderId}`;

/**
 * OutOfStock for each of the products that has nothing left available over all its warehouses.
 * `stock` must hold every level of those products, as they are after the change.
 */
export function emitSoldOut(
  uow: UnitOfWork,
  stock: readonly StockLevel[],
  productIds: Iterable<string>,
  orderId?: string,
): void {
  for (const productId of new Set(productIds)) {
    if (availableOver(stock, productId) > 0) continue;
    uow.emit(OutOfStock, {
      productId,
      availableQuantity: 0,
      ...(orderId === undefined ? {} : { orderId }),
      timestamp: uow.now.toISOString(),
    });
  }
}
