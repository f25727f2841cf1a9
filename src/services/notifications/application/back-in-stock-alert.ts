import { InventoryAdjusted, type PayloadOf } from '../../../../contracts/index.js';
import { emailHandler } from './notify.js';

type Adjustment = PayloadOf<typeof InventoryAdjusted>;

/**
 * True when new stock (a restock or a manual correction) made units available where there were
 * none: units given back by cancelled or amended orders do not count as back in stock.
 */
export function cameBackInStock(adjustment: Adjustment): boolean {
  const { adjustment_reason: reason, available_quantity: after, adjusted_quantity: change } = adjustment;
  return (reason === 'restock' || reason === 'manual_update') && after > 0 && after - change <= 0;
}

/** Alerts the inventory team when a warehouse has a product available again. */
export const backInStockAlertHandler = emailHandler({
  name: 'back-in-stock-alert',
  contract: InventoryAdjusted,
  email(payload, deps) {
    if (!cameBackInStock(payload)) return undefined;
    return {
      to: deps.alertsEmail,
      content: {
        type: 'back_in_stock_alert',
        productId: payload.product_id,
        warehouseId: payload.warehouse_id,
        available: payload.available_quantity,
        added: payload.adjusted_quantity,
        reason: payload.adjustment_reason,
      },
    };
  },
});
