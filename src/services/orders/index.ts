import { orderFlowObservation } from '../../flows/index.js';
import { defineService } from '../../platform/service.js';
import { orderHandlers } from './application/handlers.js';
import { orderRoutes } from './http/routes.js';
import { migrations } from './infrastructure/migrations.js';

/** Takes orders and runs each through reservation, confirmation and fulfilment. */
export const ordersService = defineService({
  id: 'OrdersService',
  schema: 'orders',
  create: (ctx) => {
    const flows = orderFlowObservation(ctx);
    return {
      migrations: [...migrations, ...flows.migrations],
      handlers: orderHandlers,
      observers: flows.observers,
      routes: orderRoutes(ctx),
      workers: flows.workers,
    };
  },
});
