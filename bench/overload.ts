import { randomUUID } from 'node:crypto';
import { ApiClient, orderBody, runPool } from './client.js';
import { checkInvariants } from './invariants.js';
import { finishedView, waitUntilFinal } from './orders-run.js';
import type { SystemUnderTest } from './system.js';

export interface OverloadResult {
  readonly orders: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly healthMs: { probes: number; p50: number; p99: number; max: number };
  /**
   * Answers that refused a placement for now (503 or 429), by problem code: load shed, or the bound
   * on orders in progress. The client waited Retry-After and tried again.
   */
  readonly deferred: Record<string, number>;
  readonly refused: Record<string, number>;
  /** From sending POST /orders to its 202, retries included. */
  readonly placementMs: { p50: number; p99: number };
  /** From placement to OrderCompleted (or OrderRejected), as the timeline recorded them. */
  readonly finalMs: { p50: number; p99: number };
  /** flow_departures_total by kind after the run. */
  readonly flowDepartures: Record<string, number>;
  readonly completed: number;
  readonly rejected: number;
}

const percentile = (values: readonly number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
};

/**
 * Pushes more clients at the system than it can serve: every order is retried after a shed answer
 * until accepted, while /health is probed every 200 ms. Throws if an invariant breaks.
 */
export async function runOverload(
  system: SystemUnderTest,
  options: { orders: number; concurrency: number; products: number },
): Promise<OverloadResult> {
  const api = new ApiClient(system.baseUrl, system.token);
  const authorization = { authorization: `Bearer ${system.token}` };
  const products = Array.from({ length: options.products }, () => ({
    productId: randomUUID(),
    units: Math.ceil((options.orders * 2) / options.products),
  }));
  for (const { productId, units } of products) await api.stock(productId, units);

  const health: number[] = [];
  const probing = { on: true };
  const prober = (async () => {
    while (probing.on) {
      const sent = performance.now();
      const answer = await fetch(`${system.baseUrl}/health`).catch(() => undefined);
      await answer?.arrayBuffer();
      health.push(answer?.ok ? performance.now() - sent : Infinity);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();

  const deferred: Record<string, number> = {};
  const accepted: string[] = [];
  /** Placements refused as invalid, by problem code: not retried, not expected to complete. */
  const refused: Record<string, number> = {};
  const placement: number[] = [];
  const ids = Array.from({ length: options.orders }, () => randomUUID());
  const started = Date.now();
  await runPool(
    ids.map((orderId, index) => ({ orderId, product: products[index % products.length]! })),
    options.concurrency,
    async ({ orderId, product }) => {
      const sent = performance.now();
      for (;;) {
        const answer = await fetch(`${system.baseUrl}/orders`, {
          method: 'POST',
          headers: { ...authorization, 'content-type': 'application/json' },
          body: JSON.stringify(orderBody(orderId, product.productId, 1)),
        });
        if (answer.status === 202) {
          await answer.arrayBuffer();
          accepted.push(orderId);
          break;
        }
        const { code } = (await answer.json()) as { code: string };
        if (answer.status !== 503 && answer.status !== 429) {
          refused[code] = (refused[code] ?? 0) + 1;
          break;
        }
        deferred[code] = (deferred[code] ?? 0) + 1;
        const retryAfterS = Number(answer.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, retryAfterS * 1000));
      }
      placement.push(performance.now() - sent);
    },
    () => undefined,
  );
  await waitUntilFinal(api, accepted.length, () => undefined);
  const seconds = (Date.now() - started) / 1000;
  probing.on = false;
  await prober;

  const views = [];
  for (const orderId of accepted) views.push(await finishedView(api, orderId));
  await checkInvariants(api, { views }, products);
  const final = views.map((view) => {
    const end = view.timeline.find(
      (entry) => entry.type === 'OrderCompleted' || entry.type === 'OrderRejected',
    );
    return Date.parse(end?.time ?? view.placedAt) - Date.parse(view.placedAt);
  });
  return {
    orders: options.orders,
    concurrency: options.concurrency,
    seconds: Math.round(seconds),
    healthMs: {
      probes: health.length,
      p50: percentile(health, 50),
      p99: percentile(health, 99),
      max: percentile(health, 100),
    },
    deferred,
    refused,
    placementMs: { p50: percentile(placement, 50), p99: percentile(placement, 99) },
    finalMs: { p50: percentile(final, 50), p99: percentile(final, 99) },
    flowDepartures: await flowDepartures(system.baseUrl, authorization),
    completed: views.filter((view) => view.status === 'completed').length,
    rejected: views.filter((view) => view.status === 'rejected').length,
  };
}

/** Sums the flow_departures_total counter of /metrics by kind. */
async function flowDepartures(
  baseUrl: string,
  headers: Record<string, string>,
): Promise<Record<string, number>> {
  const metrics = await (await fetch(`${baseUrl}/metrics`, { headers })).text();
  const byKind: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    const match = /^flow_departures_total\{.*kind="([^"]+)".*\} (\d+)/.exec(line);
    if (match) byKind[match[1]!] = (byKind[match[1]!] ?? 0) + Number(match[2]);
  }
  return byKind;
}
