import { orderFlowObservation } from '../../flows/index.js';
import { defineService } from '../../platform/service.js';
import { orderHandlers } from './application/handlers.js';
import { InProgressBound } from './application/in-progress-bound.js';
import { orderRoutes } from './http/routes.js';
import { migrations } from './infrastructure/migrations.js';
import { orderSettings } from './settings.js';

/** Takes orders and runs each through reservation, confirmation and fulfilment. */
export const ordersService = defineService({
  id: 'OrdersService',
  schema: 'orders',
  settings: orderSettings,
  create: (ctx) => {
    const flows = orderFlowObservation(ctx);
    const bound = new InProgressBound(ctx.settings.maxInProgress, ctx.db, ctx.metrics.registry);
    return {
      migrations: [...migrations, ...flows.migrations],
      handlers: orderHandlers(bound),
      observers: flows.observers,
      routes: orderRoutes(ctx, bound),
      workers: flows.workers,
    };
  },
});
