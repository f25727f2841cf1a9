import { inProgressStatuses } from '../src/services/orders/domain/order.js';
import { randomUUID } from 'node:crypto';
import cliProgress from 'cli-progress';
import { ApiClient, orderBody, runPool } from './client.js';
import { pipelineCounts, type PipelineCounts } from './pipeline-metrics.js';
import type { SystemUnderTest } from './system.js';

interface TimelineEntry {
  type: string;
  time: string;
}

export interface OrderView {
  orderId: string;
  status: string;
  placedAt: string;
  completedAt?: string;
  items: { itemId: string; quantity: number }[];
  timeline: TimelineEntry[];
}

export interface OrdersRunOptions {
  readonly orders: number;
  readonly concurrency: number;
  readonly products: readonly { productId: string; units: number }[];
  readonly label: string;
  /** Orders placed per second at most; unpaced when absent. */
  readonly rate?: number;
}

export interface OrdersRunResult {
  readonly orders: number;
  readonly completed: number;
  readonly rejected: number;
  /** Completed (or rejected) orders per second, first placement to last final state. */
  readonly ordersPerSecond: number;
  readonly latencyMs: Record<string, { p50: number; p95: number; p99: number }>;
  readonly cpuSecondsPer1000: number;
  /**
   * How long the clients took to place every order: the pace with `--rate`; without it, how fast
   * the system accepts them, and so how fast a backlog builds when that outruns the flow.
   */
  readonly placingSeconds: number;
  /** Placements refused for now (503 or 429, the bound on orders in progress or load shedding) and retried. */
  readonly placementsRefused: number;
  /**
   * CPU milliseconds per order of each process over the load window (from the first order placed
   * until every order is final and no process holds work), from /proc/<pid>/stat.
   */
  readonly cpuMsPerOrderByProcess: Record<string, number>;
  /** The process id of each process of the system, by name: what its CPU profile is named after. */
  readonly pids: Readonly<Record<string, number>>;
  /** The load window on the monotonic clock, in µs: what a CPU profile's samples are cut to. */
  readonly windowUs: { readonly start: number; readonly end: number };
  /** Deliveries and handler transactions over the load window, from the processes' /metrics. */
  readonly pipeline?: PipelineCounts;
  readonly messagesPerSecond: number;
  readonly messagesPerOrder: number;
  readonly peakRssMb: Record<string, number>;
  /** Highest resident memory per process sampled while the orders were running. */
  readonly loadRssMb: Record<string, number>;
  readonly views: readonly OrderView[];
}

/** Places orders like real clients, waits until every one is final, then reads what happened to each. */
export async function runOrders(
  system: SystemUnderTest,
  options: OrdersRunOptions,
): Promise<OrdersRunResult> {
  const api = new ApiClient(system.baseUrl, system.token);
  for (const { productId, units } of options.products) await api.stock(productId, units);

  const ids = Array.from({ length: options.orders }, () => randomUUID());
  const bar = new cliProgress.SingleBar(
    {
      format: `${options.label.padEnd(22)} {bar} {value}/{total} {phase}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(ids.length, 0, { phase: 'placing' });
  const pipelineBefore = await pipelineCounts(system);
  const cpuBefore = await system.cpuSecondsByProcess();
  const windowStart = monotonicUs();
  const started = Date.now();
  const loadRssMb: Record<string, number> = {};
  const sampler = setInterval(() => {
    void system.rssMb().then((sample) => {
      for (const [process, mb] of Object.entries(sample))
        loadRssMb[process] = Math.max(loadRssMb[process] ?? 0, mb);
    });
  }, 250);
  const refusalsBefore = api.refusalsWaitedOut;
  let next = 0;
  await runPool(
    ids,
    options.concurrency,
    async (orderId) => {
      const index = next++;
      const product = options.products[index % options.products.length];
      if (!product) throw new Error('a run needs at least one product');
      if (options.rate) {
        const due = started + (index * 1000) / options.rate;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      }
      const response = await api.request('POST', '/orders', orderBody(orderId, product.productId, 1));
      if (response.status !== 202) throw new Error(`order refused: ${JSON.stringify(response.body)}`);
    },
    () => {
      bar.increment();
    },
  );

  const placingSeconds = (Date.now() - started) / 1000;
  const placementsRefused = api.refusalsWaitedOut - refusalsBefore;
  bar.update(0, { phase: 'settling' });
  await waitUntilFinal(api, ids.length, (done) => {
    bar.update(done);
  });
  // What follows an order's last step (its emails, its flow checks) belongs to its cost too.
  bar.update(ids.length, { phase: 'draining' });
  await waitUntilDrained(system);
  const windowEnd = monotonicUs();
  const cpuAfter = await system.cpuSecondsByProcess();
  clearInterval(sampler);
  bar.stop();

  const views: OrderView[] = [];
  await runPool(
    ids,
    16,
    async (orderId) => {
      views.push(await finishedView(api, orderId));
    },
    () => undefined,
  );
  const pipelineAfter = await pipelineCounts(system);
  const cpuSecondsByProcess = Object.fromEntries(
    Object.entries(cpuAfter).map(([name, seconds]) => [name, seconds - (cpuBefore[name] ?? 0)]),
  );
  const cpuSeconds = Object.values(cpuSecondsByProcess).reduce((sum, seconds) => sum + seconds, 0);
  return {
    ...summarise(views, cpuSeconds, await system.peakRssMb()),
    placingSeconds,
    placementsRefused,
    loadRssMb,
    cpuMsPerOrderByProcess: Object.fromEntries(
      Object.entries(cpuSecondsByProcess).map(([name, seconds]) => [
        name,
        Math.round((seconds / views.length) * 1000 * 100) / 100,
      ]),
    ),
    pids: system.pids,
    windowUs: { start: windowStart, end: windowEnd },
    ...(pipelineBefore && pipelineAfter
      ? {
          pipeline: {
            deliveries: pipelineAfter.deliveries - pipelineBefore.deliveries,
            transactions: pipelineAfter.transactions - pipelineBefore.transactions,
            flowChecks: pipelineAfter.flowChecks - pipelineBefore.flowChecks,
          },
        }
      : {}),
  };
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** The order once its timeline shows the end of its flow: the timeline is recorded asynchronously. */
export async function finishedView(api: ApiClient, orderId: string): Promise<OrderView> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const view = (await api.request<OrderView>('GET', `/orders/${orderId}`)).body;
    const types = new Set(view.timeline.map((entry) => entry.type));
    const ended =
      view.status === 'completed'
        ? types.has('OrderCompleted') && types.has('NotificationSent')
        : types.has('OrderRejected');
    if (ended) return view;
    if (Date.now() > deadline)
      throw new Error(`the timeline of order ${orderId} never ended: ${[...types].join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitUntilFinal(
  api: ApiClient,
  total: number,
  progress: (done: number) => void,
): Promise<void> {
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    let unsettled = 0;
    for (const status of inProgressStatuses) {
      const page = await api.request<{ orders: unknown[] }>('GET', `/orders?status=${status}&limit=100`);
      unsettled += page.body.orders.length;
    }
    if (unsettled === 0) return;
    progress(Math.max(0, total - unsettled));
    if (Date.now() > deadline) throw new Error(`${unsettled}+ orders never became final`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until no process of the system holds work it accepted and has not finished. */
async function waitUntilDrained(system: SystemUnderTest): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const backlogs = await Promise.all(
      system.metricsUrls.map(async (url) => {
        const response = await fetch(`${url}/admin/backlog`, {
          headers: { authorization: `Bearer ${system.adminToken}` },
        });
        if (!response.ok) throw new Error(`GET ${url}/admin/backlog answered ${response.status}`);
        return (await response.json()) as { drained: boolean };
      }),
    );
    if (backlogs.every((backlog) => backlog.drained)) return;
    if (Date.now() > deadline) throw new Error('the system never drained its backlog');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function distribution(values: number[]) {
  values.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
  };
}

/** Latency of each step, measured from the order's placement to the first message of that step. */
const steps = {
  reservation: 'InventoryReserved',
  confirmation: 'OrderConfirmed',
  notification: 'NotificationSent',
  deduction: 'InventoryAdjusted',
  completed: 'OrderCompleted',
} as const;

function summarise(
  views: OrderView[],
  cpuSeconds: number,
  peakRssMb: Record<string, number>,
): Omit<
  OrdersRunResult,
  | 'loadRssMb'
  | 'cpuMsPerOrderByProcess'
  | 'pids'
  | 'windowUs'
  | 'pipeline'
  | 'placingSeconds'
  | 'placementsRefused'
> {
  const placed = views.map((view) => Date.parse(view.placedAt));
  const finished = views.map((view) => Math.max(...view.timeline.map((entry) => Date.parse(entry.time))));
  const elapsedSeconds = (Math.max(...finished) - Math.min(...placed)) / 1000;
  const messages = views.reduce((sum, view) => sum + view.timeline.length - 1, 0);
  const latencyMs: OrdersRunResult['latencyMs'] = {};
  for (const [step, type] of Object.entries(steps)) {
    const samples = views.flatMap((view) => {
      const entry = view.timeline.find((candidate) => candidate.type === type);
      return entry ? [Date.parse(entry.time) - Date.parse(view.placedAt)] : [];
    });
    if (samples.length > 0) latencyMs[step] = distribution(samples);
  }
  return {
    orders: views.length,
    completed: views.filter((view) => view.status === 'completed').length,
    rejected: views.filter((view) => view.status === 'rejected').length,
    ordersPerSecond: Math.round((views.length / elapsedSeconds) * 10) / 10,
    latencyMs,
    cpuSecondsPer1000: Math.round((cpuSeconds / views.length) * 1000 * 100) / 100,
    messagesPerSecond: Math.round(messages / elapsedSeconds),
    messagesPerOrder: Math.round((messages / views.length) * 10) / 10,
    peakRssMb,
    views,
  };
}
