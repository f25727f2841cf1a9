import { defineService } from '../../platform/service.js';
import { orderHandlers } from './application/handlers.js';
import { timelineObserver } from './application/timeline-observer.js';
import { orderRoutes } from './http/routes.js';
import { migrations } from './infrastructure/migrations.js';

/** Takes orders and runs each through reservation, confirmation and fulfilment. */
export const ordersService = defineService({
  id: 'OrdersService',
  schema: 'orders',
  create: (ctx) => ({
    migrations,
    handlers: orderHandlers,
    observers: [timelineObserver],
    routes: orderRoutes(ctx),
  }),
});
