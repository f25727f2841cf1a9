import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { measureEmbeddedCeiling, transactionsPerOrder, type Ceiling } from './ceiling.js';
import { ApiClient } from './client.js';
import { preloadOrders } from './growth.js';
import { checkInvariants } from './invariants.js';
import { runOrders, type OrdersRunResult } from './orders-run.js';
import { newDataDir, startEmbedded, type Mode, type SystemUnderTest } from './system.js';

const usage = `npm run bench -- <throughput|hot-sku|growth|ceiling|all> [--mode embedded] [--orders N]
  [--concurrency C] [--rate R] [--products P] [--units K] [--preload M] [--json out.json]
  --rate paces placements at R orders/s (latency at a given load); without it clients place as fast as they can.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'embedded' },
    orders: { type: 'string' },
    concurrency: { type: 'string', default: '32' },
    products: { type: 'string', default: '200' },
    units: { type: 'string', default: '100' },
    preload: { type: 'string', default: '1000000' },
    json: { type: 'string' },
    rate: { type: 'string' },
  },
});

const scenario = positionals[0] ?? 'all';
const mode = values.mode as Mode;
if (!['throughput', 'hot-sku', 'growth', 'ceiling', 'all'].includes(scenario) || mode !== 'embedded') {
  console.error(usage);
  process.exit(2);
}
const concurrency = Number(values.concurrency);
const defaultOrders = scenario === 'all' ? 5000 : 20_000;
const orders = Number(values.orders ?? defaultOrders);

interface ScenarioReport {
  readonly scenario: string;
  readonly result: Omit<OrdersRunResult, 'views'>;
}

const reports: ScenarioReport[] = [];
let ceiling: Ceiling | undefined;

async function withSystem<T>(
  run: (system: SystemUnderTest) => Promise<T>,
  prepare?: (dataDir: string) => Promise<void>,
): Promise<T> {
  if (!prepare) {
    const system = await startEmbedded();
    try {
      return await run(system);
    } finally {
      await system.stop();
    }
  }
  // The schemas exist once the system has started; the bulk path then writes while it is stopped.
  const dataDir = await newDataDir();
  try {
    await (await startEmbedded({ dataDir })).stop();
    await prepare(dataDir);
    const system = await startEmbedded({ dataDir });
    try {
      return await run(system);
    } finally {
      await system.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function ordersScenario(
  name: string,
  products: { productId: string; units: number }[],
  count: number,
  prepare?: (dataDir: string) => Promise<void>,
) {
  return withSystem(async (system) => {
    const result = await runOrders(system, {
      orders: count,
      concurrency,
      products,
      label: name,
      ...(values.rate ? { rate: Number(values.rate) } : {}),
    });
    await checkInvariants(new ApiClient(system.baseUrl), result, products);
    const { views, ...summary } = result;
    reports.push({ scenario: name, result: summary });
    return result;
  }, prepare);
}

const ample = (count: number) => {
  const productCount = Number(values.products);
  return Array.from({ length: productCount }, () => ({
    productId: randomUUID(),
    units: Math.ceil((count * 2) / productCount),
  }));
};

let throughput: OrdersRunResult | undefined;
if (scenario === 'ceiling' || scenario === 'all') ceiling = await measureEmbeddedCeiling();
if (scenario === 'throughput' || scenario === 'all')
  throughput = await ordersScenario('throughput', ample(orders), orders);
if (scenario === 'hot-sku' || scenario === 'all') {
  await ordersScenario('hot-sku', [{ productId: randomUUID(), units: Number(values.units) }], orders);
}
if (scenario === 'growth' || scenario === 'all') {
  const preload = Number(values.preload);
  await ordersScenario('growth (0 existing)', ample(orders), orders);
  await ordersScenario(
    `growth (${preload.toLocaleString('en')} existing)`,
    ample(orders),
    orders,
    (dataDir) => preloadOrders(dataDir, preload),
  );
}

printTable();
if (values.json)
  await writeFile(values.json, JSON.stringify({ mode, concurrency, ceiling, reports }, null, 2));

function printTable(): void {
  const rows = reports.map(({ scenario: name, result }) => ({
    scenario: name,
    orders: result.orders,
    completed: result.completed,
    rejected: result.rejected,
    'orders/s': result.ordersPerSecond,
    'p50 ms': result.latencyMs['completed']?.p50 ?? result.latencyMs['confirmation']?.p50 ?? '-',
    'p95 ms': result.latencyMs['completed']?.p95 ?? '-',
    'p99 ms': result.latencyMs['completed']?.p99 ?? '-',
    'cpu s/1k': result.cpuSecondsPer1000,
    'msgs/s': result.messagesPerSecond,
    'peak RSS MB': Object.values(result.peakRssMb)
      .map((mb) => Math.round(mb))
      .join('/'),
  }));
  console.log(`\nmode: ${mode}, concurrency: ${concurrency}, machine: ${cpus().length} cores`);
  console.table(rows);
  if (throughput) {
    console.log('latency by step, ms from placement (p50 / p95 / p99):');
    for (const [step, d] of Object.entries(throughput.latencyMs))
      console.log(`  ${step.padEnd(14)} ${d.p50} / ${d.p95} / ${d.p99}`);
  }
  if (ceiling && throughput) {
    const types = new Map<string, number>();
    for (const view of throughput.views)
      for (const entry of view.timeline.slice(1)) types.set(entry.type, (types.get(entry.type) ?? 0) + 1);
    const txPerOrder = transactionsPerOrder(types, throughput.views.length);
    const byCommits = ceiling.commitsPerSecond / txPerOrder;
    const byMessages = ceiling.busMessagesPerSecond / throughput.messagesPerOrder;
    const flowCeiling = Math.min(byCommits, byMessages);
    console.log(
      `ceiling: ${ceiling.commitsPerSecond} commits/s, ${ceiling.busMessagesPerSecond} bus msgs/s; ` +
        `flow: ${txPerOrder} transactions and ${throughput.messagesPerOrder} messages per order → ` +
        `${Math.round(flowCeiling)} orders/s; achieved ${throughput.ordersPerSecond} orders/s = ${Math.round((throughput.ordersPerSecond / flowCeiling) * 100)}% of the ceiling`,
    );
  } else if (ceiling) {
    console.log(`ceiling: ${ceiling.commitsPerSecond} commits/s, ${ceiling.busMessagesPerSecond} bus msgs/s`);
  }
}
