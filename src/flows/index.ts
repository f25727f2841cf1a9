import type { ServiceContext, ServiceParts } from '../platform/service.js';
import { flowCheckMigrations } from './flow-check-migrations.js';
import { checkCounter, departureCounter, FlowConformanceWorker } from './flow-conformance-worker.js';
import { timelineObserver } from './timeline-observer.js';

export { countDepartingFlows, findFlowCheck } from './flow-check-repository.js';
export {
  flowConformanceView,
  FlowConformanceView,
  OrderDiagramView,
  orderDiagramView,
} from './flow-conformance-view.js';
export { recordInTimeline, timelineEntryOf, timelineOf, type TimelineEntry } from './timeline-repository.js';

/**
 * What OrdersService composes to watch its orders: every message of the domain goes on the timeline
 * of the order it belongs to, and a worker checks each grown timeline against the documented flows.
 */
export function orderFlowObservation(
  ctx: ServiceContext,
): Required<Pick<ServiceParts, 'migrations' | 'observers' | 'workers'>> {
  const flowChecks = new FlowConformanceWorker({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    departures: departureCounter(ctx.metrics.registry),
    checks: checkCounter(ctx.metrics.registry),
  });
  return {
    migrations: flowCheckMigrations,
    observers: [timelineObserver(flowChecks)],
    workers: [flowChecks],
  };
}
