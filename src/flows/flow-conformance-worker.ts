import { setTimeout as sleep } from 'node:timers/promises';
import { Counter, type Registry } from 'prom-client';
import type { Database } from '../platform/db/database.js';
import type { Departure } from './conformance.js';
import type { Clock } from '../platform/kernel/clock.js';
import type { Logger } from '../platform/kernel/logger.js';
import { Signal } from '../platform/kernel/signal.js';
import type { Worker } from '../platform/service.js';
import { claimDueFlowChecks, countDueFlowChecks, saveFlowChecks } from './flow-check-repository.js';
import { checkDelayMs, conformanceOf } from './order-flows.js';

export type DepartureCounter = Counter<'flow' | 'kind'>;

/** Departures counted once each, when a check first finds them. */
export const departureCounter = (registry: Registry): DepartureCounter =>
  new Counter({
    name: 'flow_departures_total',
    help: 'Departures of orders from their documented flows, by flow (none: no flow accounts for the message) and kind (unexpected, skipped, overdue, version_mismatch).',
    labelNames: ['flow', 'kind'] as const,
    registers: [registry],
  });

export interface FlowConformanceOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly departures: DepartureCounter;
  /** Longest idle wait between two looks for checks that came due with no message (a budget ran out). */
  readonly pollMs?: number;
  /** Orders checked in one transaction. */
  readonly batchSize?: number;
}

interface Outcome {
  readonly correlationId: string;
  readonly orderIds: readonly string[];
  readonly newDepartures: readonly Departure[];
}

/**
 * Checks each order whose timeline grew, or whose awaited step ran out of time, against its
 * documented flows; stores the report; then counts and logs what departs for the first time.
 * Replicas share the checks through row locks.
 */
export class FlowConformanceWorker implements Worker {
  readonly name = 'flow-conformance';
  readonly #options: FlowConformanceOptions & { pollMs: number; batchSize: number };
  readonly #signal = new Signal();
  #woken = false;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: FlowConformanceOptions) {
    this.#options = { pollMs: 1000, batchSize: 25, ...options };
  }

  /** A timeline grew: its check comes due after the short delay that gathers a burst of messages. */
  wake(): void {
    this.#woken = true;
    this.#signal.notify();
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#signal.notify();
    await this.#loop;
  }

  /** Checks due now, and those asked for that come due within the gathering delay. */
  backlog(): Promise<number> {
    return countDueFlowChecks(this.#options.db, new Date(this.#options.clock.now().getTime() + checkDelayMs));
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const outcomes = await this.#checkDue().catch((error: unknown) => {
        this.#options.logger.warn({ err: error }, 'could not check orders against their flows, will retry');
        return [];
      });
      for (const outcome of outcomes) this.#report(outcome);
      if (outcomes.length > 0) continue;
      if (this.#takeWakeUp()) await sleep(checkDelayMs);
      else await this.#signal.wait(this.#options.pollMs);
    }
  }

  #takeWakeUp(): boolean {
    const woken = this.#woken;
    this.#woken = false;
    return woken;
  }

  #checkDue(): Promise<Outcome[]> {
    const { db, clock, batchSize } = this.#options;
    return db.transaction(async (tx) => {
      const now = clock.now();
      const checks = (await claimDueFlowChecks(tx, now, batchSize)).map((check) => ({
        check,
        report: conformanceOf(check.timeline, now),
      }));
      await saveFlowChecks(
        tx,
        checks.map(({ check, report }) => ({ correlationId: check.correlationId, report })),
        now,
      );
      return checks.map(({ check, report }): Outcome => {
        const known = new Set(check.report?.departures.map((departure) => departure.key));
        return {
          correlationId: check.correlationId,
          orderIds: check.orderIds,
          newDepartures: report.departures.filter((departure) => !known.has(departure.key)),
        };
      });
    });
  }

  /** After the commit, so that a check rolled back and run again counts nothing twice. */
  #report({ correlationId, orderIds, newDepartures }: Outcome): void {
    for (const departure of newDepartures) {
      this.#options.departures.inc({ flow: departure.flow ?? 'none', kind: departure.kind });
      this.#options.logger.warn(
        {
          orderId: orderIds[0],
          orderIds,
          correlationId,
          flow: departure.flow,
          kind: departure.kind,
          messageId: departure.messageId,
          steps: departure.steps,
        },
        `order departed from its documented flow: ${departure.detail}`,
      );
    }
  }
}
