import {
  deliveriesPerOrder,
  measureBatchRates,
  ordersCeiling,
  serviceDefaults,
  type BatchRate,
  type FlowShape,
} from './ceiling.js';
import { measureGraphileWorker, type GraphileReference } from './graphile-reference.js';
import type { OrdersRunResult } from './orders-run.js';
import { stages, stagesByProcess, type Stage, type StageTimes } from './stages.js';
import type { Mode } from './system.js';

/** A run's CPU by stage, from the profiles of its processes. */
export interface StageBreakdown {
  readonly msPerOrder: Record<Stage, number>;
  readonly msPerMessage: Record<Stage, number>;
  readonly share: Record<Stage, number>;
  /** Share of the load window each process's main thread sat idle, by its profile. */
  readonly idleShareByProcess: Record<string, number>;
  readonly byProcess: Record<string, StageTimes>;
}

export interface CeilingAnalysis {
  readonly rates: readonly BatchRate[];
  readonly flow?: FlowShape & { readonly observedBatch: number; readonly observed: boolean };
  /** Orders per second at each measured batch size. */
  readonly ordersPerSecond: Record<number, number>;
}

export interface Analysis {
  readonly stages?: StageBreakdown;
  readonly ceiling: CeilingAnalysis;
  readonly graphileWorker: GraphileReference | { readonly error: string };
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const perStage = (value: (stage: Stage) => number) =>
  Object.fromEntries(stages.map((stage) => [stage, value(stage)])) as Record<Stage, number>;

/**
 * A profile's samples cover wall time on the main thread, descheduled time included, so each
 * process's samples give only the split between stages; its CPU from /proc gives the amount.
 */
export async function breakdown(
  dir: string,
  run: Pick<OrdersRunResult, 'pids' | 'windowUs' | 'orders' | 'messagesPerOrder' | 'cpuMsPerOrderByProcess'>,
): Promise<StageBreakdown> {
  const byProcess = await stagesByProcess(dir, run.pids, run.windowUs);
  const cpuPerSampledMs = (name: string, times: StageTimes) => {
    const sampled = Object.values(times.ms).reduce((sum, ms) => sum + ms, 0);
    return sampled > 0 ? ((run.cpuMsPerOrderByProcess[name] ?? 0) * run.orders) / sampled : 0;
  };
  const total = perStage((stage) =>
    Object.entries(byProcess).reduce(
      (sum, [name, times]) => sum + times.ms[stage] * cpuPerSampledMs(name, times),
      0,
    ),
  );
  const busy = Object.values(total).reduce((sum, ms) => sum + ms, 0);
  const windowMs = (run.windowUs.end - run.windowUs.start) / 1000;
  return {
    msPerOrder: perStage((stage) => round(total[stage] / run.orders, 2)),
    msPerMessage: perStage((stage) => round(total[stage] / run.orders / run.messagesPerOrder, 3)),
    share: perStage((stage) => round((total[stage] / busy) * 100)),
    idleShareByProcess: Object.fromEntries(
      Object.entries(byProcess).map(([name, times]) => [name, round((times.idleMs / windowMs) * 100)]),
    ),
    byProcess,
  };
}

/** The flow's cost per order as the run counted it, or as the contracts imply when it could not. */
function flowOf(run: OrdersRunResult): NonNullable<CeilingAnalysis['flow']> {
  if (run.pipeline && run.pipeline.transactions > 0)
    return {
      deliveriesPerOrder: round(run.pipeline.deliveries / run.orders),
      messagesPerOrder: run.messagesPerOrder,
      observedBatch: round(run.pipeline.deliveries / run.pipeline.transactions, 2),
      observed: true,
    };
  const types = new Map<string, number>();
  for (const view of run.views)
    for (const entry of view.timeline.slice(1)) types.set(entry.type, (types.get(entry.type) ?? 0) + 1);
  return {
    deliveriesPerOrder: deliveriesPerOrder(types, run.views.length),
    messagesPerOrder: run.messagesPerOrder,
    observedBatch: 1,
    observed: false,
  };
}

/** The batched ceiling (after the run, whose batch sizes it uses) and the Graphile Worker reference. */
export async function analyse(
  mode: Mode,
  run: OrdersRunResult | undefined,
  graphileJobs: number,
): Promise<Analysis> {
  const flow = run && flowOf(run);
  const pullSize = serviceDefaults.messaging.maxInFlight;
  const observed = flow ? Math.round(flow.observedBatch) : 1;
  const sizes = [...new Set([1, Math.min(Math.max(observed, 1), pullSize), pullSize])];
  const fanOut = flow ? Math.max(1, Math.round(flow.deliveriesPerOrder / flow.messagesPerOrder)) : 2;
  const rates = await measureBatchRates(mode, sizes, fanOut);
  const single = rates[0];
  const ordersPerSecond: Record<number, number> = {};
  if (flow && single)
    for (const rate of rates) ordersPerSecond[rate.batch] = Math.round(ordersCeiling(rate, single, flow));
  let graphileWorker: Analysis['graphileWorker'];
  try {
    graphileWorker = await measureGraphileWorker(graphileJobs);
  } catch (error) {
    graphileWorker = { error: error instanceof Error ? error.message : String(error) };
  }
  return { ceiling: { rates, ...(flow ? { flow } : {}), ordersPerSecond }, graphileWorker };
}

const n = (value: number) => value.toLocaleString('en');

export function printAnalysis(mode: Mode, analysis: Analysis, run: OrdersRunResult | undefined): void {
  if (run) {
    const entries = Object.entries(run.cpuMsPerOrderByProcess);
    const total = round(
      entries.reduce((sum, [, ms]) => sum + ms, 0),
      2,
    );
    console.log(
      `CPU per order by process, ms (/proc over the load window): ${entries.map(([name, ms]) => `${name} ${ms}`).join(' · ')}` +
        (entries.length > 1 ? ` = ${total}` : ''),
    );
    if (run.pipeline)
      console.log(
        `flow checks per order: ${round(run.pipeline.flowChecks / run.orders, 2)} (each reads the order's timeline and stores its report)`,
      );
  }
  const { stages: breakdownOf } = analysis;
  if (breakdownOf) {
    console.log("by stage (each process's CPU split as its profile's samples over the load window):");
    console.log(
      `  ${'stage'.padEnd(14)} ${'ms/order'.padStart(9)} ${'ms/message'.padStart(11)} ${'share'.padStart(6)}`,
    );
    for (const stage of stages)
      console.log(
        `  ${stage.padEnd(14)} ${String(breakdownOf.msPerOrder[stage]).padStart(9)} ${String(breakdownOf.msPerMessage[stage]).padStart(11)} ${`${breakdownOf.share[stage]}%`.padStart(6)}`,
      );
    const idle = Object.entries(breakdownOf.idleShareByProcess).map(([name, share]) => `${name} ${share}%`);
    console.log(`  main thread idle over the load window: ${idle.join(', ')}`);
  }
  const { rates, flow, ordersPerSecond } = analysis.ceiling;
  console.log(
    `ceiling of the batched design — ${mode === 'embedded' ? 'PGlite' : 'PostgreSQL and JetStream'} driven directly, ` +
      'batch-native (one set-based statement per table per batch); an upper bound of this design, median of 3:',
  );
  for (const rate of rates) {
    const label =
      rate.batch === 1
        ? 'batch 1'
        : rate.batch === serviceDefaults.messaging.maxInFlight
          ? `batch ${rate.batch} (pull size)`
          : `batch ${rate.batch} (run's mean)`;
    const broker = rate.broker === undefined ? '' : `, broker ${n(rate.broker)} msgs/s`;
    const orders = ordersPerSecond[rate.batch];
    console.log(
      `  ${label.padEnd(22)} database ${n(rate.database)} deliveries/s${broker}` +
        (orders === undefined ? '' : ` → ${n(orders)} orders/s`),
    );
  }
  if (flow && run) {
    const share = (batch: number) =>
      Math.round((run.ordersPerSecond / (ordersPerSecond[batch] ?? Infinity)) * 100);
    const runBatch = flow.observed
      ? `a mean batch of ${flow.observedBatch} deliveries per handler transaction`
      : 'batch size not observed (no /metrics): deliveries from the contracts';
    const atRun = Math.min(
      Math.max(Math.round(flow.observedBatch), 1),
      serviceDefaults.messaging.maxInFlight,
    );
    console.log(
      `  the run: ${flow.deliveriesPerOrder} deliveries and ${flow.messagesPerOrder} messages per order, ${runBatch}; ` +
        `${run.ordersPerSecond} orders/s = ${share(atRun)}% of the ceiling at its batch size, ` +
        `${share(serviceDefaults.messaging.maxInFlight)}% of the ceiling at the pull size`,
    );
  }
  const reference = analysis.graphileWorker;
  if ('error' in reference) console.log(`reference: Graphile Worker not measured: ${reference.error}`);
  else {
    const deliveriesPerSecond = flow && run ? run.ordersPerSecond * flow.deliveriesPerOrder : undefined;
    console.log(
      `reference: Graphile Worker ran ${n(reference.jobs)} no-op jobs at ${n(reference.jobsPerSecond)} jobs/s on this machine's PostgreSQL ` +
        `(${reference.settings})` +
        (deliveriesPerSecond === undefined
          ? ''
          : `; the run settled ${n(Math.round(deliveriesPerSecond))} deliveries/s = ${round((deliveriesPerSecond / reference.jobsPerSecond) * 100)}% of it`),
    );
  }
}
