import { defineService } from '../../platform/service.js';
import { departureCounter, FlowConformanceWorker } from '../../flows/flow-conformance-worker.js';
import { orderHandlers } from './application/handlers.js';
import { timelineObserver } from '../../flows/timeline-observer.js';
import { orderRoutes } from './http/routes.js';
import { flowCheckMigrations } from '../../flows/flow-check-migrations.js';
import { migrations } from './infrastructure/migrations.js';

/** Takes orders and runs each through reservation, confirmation and fulfilment. */
export const ordersService = defineService({
  id: 'OrdersService',
  schema: 'orders',
  create: (ctx) => {
    const flowChecks = new FlowConformanceWorker({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      departures: departureCounter(ctx.metrics.registry),
    });
    return {
      migrations: [...migrations, ...flowCheckMigrations],
      handlers: orderHandlers,
      observers: [timelineObserver(flowChecks)],
      routes: orderRoutes(ctx),
      workers: [flowChecks],
    };
  },
});
