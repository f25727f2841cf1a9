import { defineService } from '../../platform/service.js';
import { addInventoryHandler } from './application/add-inventory.js';
import { amendAllocationHandler } from './application/amend-allocation.js';
import { fulfilOrderHandler } from './application/fulfil-order.js';
import { releaseOrderHandler } from './application/release-order.js';
import { reserveInventoryHandler } from './application/reserve-inventory.js';
import { updateInventoryHandler } from './application/update-inventory.js';
import { inventoryRoutes } from './http/routes.js';
import { inventoryMigrations } from './infrastructure/migrations.js';

/** Stock per product and warehouse, and what is held or taken for each order. */
export const inventoryService = defineService({
  id: 'InventoryService',
  schema: 'inventory',
  create(ctx) {
    return {
      migrations: inventoryMigrations,
      handlers: [
        reserveInventoryHandler(ctx.ids),
        fulfilOrderHandler(ctx.ids),
        releaseOrderHandler(ctx.ids),
        amendAllocationHandler(ctx.ids),
        addInventoryHandler(ctx.ids),
        updateInventoryHandler(ctx.ids),
      ],
      routes: inventoryRoutes(ctx),
    };
  },
});
