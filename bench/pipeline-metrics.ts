import type { SystemUnderTest } from './system.js';

/** What the consumers of a system have done so far, summed over its processes. */
export interface PipelineCounts {
  /** Deliveries settled by consumers and observers (messages_handled_total, every outcome). */
  readonly deliveries: number;
  /** Handler transactions: one per batch handled together, one per delivery handled alone. */
  readonly transactions: number;
  /** Orders checked against their documented flows (flow_checks_total): bookkeeping, not the flow. */
  readonly flowChecks: number;
}

/** Sums every series of the counter `name` in a Prometheus text exposition. */
export function sumOf(exposition: string, name: string): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    const match = /^(\w+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] === name) sum += Number(match[2]);
  }
  return sum;
}

/**
 * Reads the consumers' counters from each process's /metrics; undefined when a process does not
 * serve them (the figures derived from them are then left out rather than guessed).
 */
export async function pipelineCounts(system: SystemUnderTest): Promise<PipelineCounts | undefined> {
  let deliveries = 0;
  let transactions = 0;
  let flowChecks = 0;
  for (const url of system.metricsUrls) {
    const response = await fetch(`${url}/metrics`, {
      headers: { authorization: `Bearer ${system.adminToken}` },
    });
    if (!response.ok) return undefined;
    const text = await response.text();
    deliveries += sumOf(text, 'messages_handled_total');
    transactions += sumOf(text, 'message_handler_seconds_count');
    flowChecks += sumOf(text, 'flow_checks_total');
  }
  return { deliveries, transactions, flowChecks };
}
