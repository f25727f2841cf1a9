import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ApiClient } from './client.js';
import { preloadDistributed, preloadEmbedded } from './growth.js';
import { checkInvariants } from './invariants.js';
import { startOtlpReceiver } from '../test/support/otlp-receiver.js';
import { runOrders, type OrdersRunResult } from './orders-run.js';
import { runOverload } from './overload.js';
import { printStartup } from './startup.js';
import { newDataDir, startDistributed, startEmbedded, type Mode, type SystemUnderTest } from './system.js';
import { analyse, breakdown, printAnalysis, type Analysis } from './where-time-goes.js';

const usage = `npm run bench -- <throughput|hot-sku|growth|ceiling|tracing|overload|startup|all> [--mode embedded|distributed] [--orders N]
  [--concurrency C] [--rate R] [--products P] [--units K] [--preload M] [--profile] [--jobs J] [--idle S] [--json out.json]
  throughput (and all) then prints where the time went: CPU per order by process (/proc over the load
  window); with --profile, CPU by stage (HTTP, validation, serialization, database, bus, project code,
  GC) per order and per message from CPU profiles of every process (the profiler slows the run; the
  rules are in bench/stages.ts); the ceiling of the batched design: PGlite, or PostgreSQL and JetStream,
  driven directly in batches of 1, of the run's mean batch and of the consumers' pull size, turned
  into orders/s with the run's deliveries and messages per order, and the run's share of it; and, as
  a reference, Graphile Worker running J (20,000) no-op jobs on a scratch database of 127.0.0.1:5432.
  ceiling prints the engines' batch rates alone.
  tracing runs the throughput load twice, on new systems: without tracing, then exporting every span
  over OTLP/HTTP (protobuf) to a receiver in this process.
  --rate paces placements at R orders/s (latency at a given load); without it clients place as fast as they can.
  --mode distributed runs every service in its own process on the machine's PostgreSQL (127.0.0.1:5432)
  and NATS (127.0.0.1:4222), on bench_* databases and streams it removes afterwards.
  --nats-auth (distributed) runs them on a nats-server of the bench's own instead, each service admitted
  only with its own credential and the permissions npm run nats-config gives it.
  overload places 2,000 orders from 200 clients (unless --orders/--concurrency), retrying shed answers,
  and prints /health latency, the answers that deferred a placement (by problem code), placement latency, flow departures and the invariants.
  startup times a first start, 5 restarts (median) and, embedded, CPU in the minute after ready, then CPU and RSS idle over 60 s (--idle S).
  The load RSS column is the peak resident memory sampled while the orders ran; in distributed mode the
  sum over the processes and the largest one (--json has every process).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    mode: { type: 'string', default: 'embedded' },
    orders: { type: 'string' },
    concurrency: { type: 'string' },
    products: { type: 'string', default: '200' },
    units: { type: 'string', default: '100' },
    preload: { type: 'string', default: '1000000' },
    json: { type: 'string' },
    rate: { type: 'string' },
    'nats-auth': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    jobs: { type: 'string', default: '20000' },
    idle: { type: 'string', default: '60' },
  },
});

const scenario = positionals[0] ?? 'all';
const mode = values.mode as Mode;
if (
  !['throughput', 'hot-sku', 'growth', 'ceiling', 'tracing', 'overload', 'startup', 'all'].includes(
    scenario,
  ) ||
  !['embedded', 'distributed'].includes(mode)
) {
  console.error(usage);
  process.exit(2);
}
const concurrency = Number(values.concurrency ?? (scenario === 'overload' ? 200 : 32));
const defaultOrders = scenario === 'all' ? 5000 : scenario === 'overload' ? 2000 : 20_000;
const orders = Number(values.orders ?? defaultOrders);

interface ScenarioReport {
  readonly scenario: string;
  readonly result: Omit<OrdersRunResult, 'views'>;
}

const reports: ScenarioReport[] = [];

/** Runs `run` on a new system of the chosen mode, holding `preload` completed orders beforehand. */
async function withSystem<T>(
  run: (system: SystemUnderTest) => Promise<T>,
  preload: number,
  env: Record<string, string> = {},
  profileDir?: string,
): Promise<T> {
  if (mode === 'distributed') {
    const system = await startDistributed(env, { natsAuth: values['nats-auth'], profileDir });
    return runAndStop(system, async () => {
      if (preload > 0) await preloadDistributed(system.databaseUrl('orders'), preload);
      return run(system);
    });
  }
  if (preload === 0) return runAndStop(await startEmbedded({ env, profileDir }), run);
  // The schemas exist once the system has started; the bulk path then writes while it is stopped.
  const dataDir = await newDataDir();
  try {
    await (await startEmbedded({ dataDir })).stop();
    await preloadEmbedded(dataDir, preload);
    return await runAndStop(await startEmbedded({ dataDir }), run);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function runAndStop<T>(
  system: SystemUnderTest,
  run: (system: SystemUnderTest) => Promise<T>,
): Promise<T> {
  try {
    return await run(system);
  } finally {
    await system.stop();
  }
}

async function ordersScenario(
  name: string,
  products: { productId: string; units: number }[],
  count: number,
  preload = 0,
  env: Record<string, string> = {},
  profileDir?: string,
) {
  return withSystem(
    async (system) => {
      const result = await runOrders(system, {
        orders: count,
        concurrency,
        products,
        label: name,
        ...(values.rate ? { rate: Number(values.rate) } : {}),
      });
      await checkInvariants(new ApiClient(system.baseUrl, system.token), result, products);
      const { views, ...summary } = result;
      reports.push({ scenario: name, result: summary });
      return result;
    },
    preload,
    env,
    profileDir,
  );
}

const ample = (count: number) => {
  const productCount = Number(values.products);
  return Array.from({ length: productCount }, () => ({
    productId: randomUUID(),
    units: Math.ceil((count * 2) / productCount),
  }));
};

let throughput: OrdersRunResult | undefined;
let analysis: Analysis | undefined;
if (scenario === 'throughput' || scenario === 'all') {
  const profileDir = values.profile ? await mkdtemp(join(tmpdir(), 'orders-profile-')) : undefined;
  throughput = await ordersScenario('throughput', ample(orders), orders, 0, {}, profileDir);
  const stages = profileDir ? await breakdown(profileDir, throughput) : undefined;
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
  analysis = { ...(await analyse(mode, throughput, Number(values.jobs))), ...(stages ? { stages } : {}) };
} else if (scenario === 'ceiling') analysis = await analyse(mode, undefined, Number(values.jobs));
if (scenario === 'hot-sku' || scenario === 'all') {
  await ordersScenario('hot-sku', [{ productId: randomUUID(), units: Number(values.units) }], orders);
}
if (scenario === 'growth' || scenario === 'all') {
  const preload = Number(values.preload);
  await ordersScenario('growth (0 existing)', ample(orders), orders);
  await ordersScenario(`growth (${preload.toLocaleString('en')} existing)`, ample(orders), orders, preload);
}

let tracing: { off: number; exporting: number; spans: number } | undefined;
if (scenario === 'tracing' || scenario === 'all') {
  const off = await ordersScenario('tracing off', ample(orders), orders);
  const receiver = await startOtlpReceiver({ keepSpans: false });
  try {
    const exporting = await ordersScenario('tracing → OTLP', ample(orders), orders, 0, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    tracing = { off: off.ordersPerSecond, exporting: exporting.ordersPerSecond, spans: receiver.spanCount };
  } finally {
    await receiver.stop();
  }
}

if (scenario === 'startup') {
  await printStartup(mode, { restarts: 5, idleSeconds: Number(values.idle) });
} else if (scenario === 'overload') {
  const result = await withSystem(
    (system) => runOverload(system, { orders, concurrency, products: Number(values.products) }),
    0,
  );
  console.log(`\noverload, mode: ${mode}, machine: ${cpus().length} cores`);
  console.log(JSON.stringify(result, null, 2));
  console.log('invariants: stock exact, every accepted order final, one confirmation per completed order');
  if (values.json) await writeFile(values.json, JSON.stringify({ mode, overload: result }, null, 2));
} else {
  printTable();
  if (values.json)
    await writeFile(values.json, JSON.stringify({ mode, concurrency, reports, analysis }, null, 2));
}

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
    'load RSS MB': compactRss(result.loadRssMb),
  }));
  console.log(`\nmode: ${mode}, concurrency: ${concurrency}, machine: ${cpus().length} cores`);
  if (rows.length > 0) console.table(rows);
  if (throughput) {
    const { orders, placingSeconds, placementsRefused } = throughput;
    console.log(
      `placing: ${orders} orders accepted in ${placingSeconds.toFixed(1)} s (${(orders / placingSeconds).toFixed(1)}/s), ` +
        `${placementsRefused} refusals (503/429) waited out and retried; latency counts from acceptance`,
    );
    console.log('latency by step, ms from placement (p50 / p95 / p99):');
    for (const [step, d] of Object.entries(throughput.latencyMs))
      console.log(`  ${step.padEnd(14)} ${d.p50} / ${d.p95} / ${d.p99}`);
  }
  if (analysis) printAnalysis(mode, analysis, throughput);
  if (tracing) {
    const cost = Math.round((1 - tracing.exporting / tracing.off) * 100);
    console.log(
      `tracing: ${tracing.off} orders/s without, ${tracing.exporting} orders/s exporting ` +
        `${tracing.spans} spans over OTLP (${cost}% fewer orders/s)`,
    );
  }
}

/** One process: its MB; several: their sum and the largest of them. */
function compactRss(mbByProcess: Record<string, number>): string {
  const entries = Object.entries(mbByProcess);
  const largest = entries.reduce<[string, number] | undefined>(
    (max, entry) => (max && max[1] >= entry[1] ? max : entry),
    undefined,
  );
  if (!largest) return '-';
  if (entries.length === 1) return String(Math.round(largest[1]));
  const sum = entries.reduce((total, [, mb]) => total + mb, 0);
  return `sum ${Math.round(sum)}, max ${largest[0]} ${Math.round(largest[1])}`;
}
