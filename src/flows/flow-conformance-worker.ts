import { Counter, type Registry } from 'prom-client';
import type { Database } from '../platform/db/database.js';
import { jobTableLoop, LeasedWorker } from '../platform/jobs/leased-worker.js';
import { Bell } from '../platform/kernel/bell.js';
import type { Clock } from '../platform/kernel/clock.js';
import type { Logger } from '../platform/kernel/logger.js';
import type { Departure } from './conformance.js';
import {
  claimDueFlowChecks,
  countDueFlowChecks,
  nextFlowCheckDue,
  saveFlowChecks,
} from './flow-check-repository.js';
import { CheckGathering } from './check-gathering.js';
import { checkDelayMs, conformanceOf } from './order-flows.js';

export type DepartureCounter = Counter<'flow' | 'kind'>;
export type CheckCounter = Counter;

/** Departures counted once each, when a check first finds them. */
export const departureCounter = (registry: Registry): DepartureCounter =>
  new Counter({
    name: 'flow_departures_total',
    help: 'Departures of orders from their documented flows, by flow (none: no flow accounts for the message) and kind (unexpected, skipped, overdue, version_mismatch).',
    labelNames: ['flow', 'kind'] as const,
    registers: [registry],
  });

/** Checks made, each counted once its report is stored. */
export const checkCounter = (registry: Registry): CheckCounter =>
  new Counter({
    name: 'flow_checks_total',
    help: 'Checks of an order against its documented flows: each reads its timeline and stores a report.',
    registers: [registry],
  });

export interface FlowConformanceOptions {
  readonly db: Database;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly departures: DepartureCounter;
  readonly checks: CheckCounter;
  /** Longest idle wait between two looks for due checks on a shared database. */
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
export class FlowConformanceWorker extends LeasedWorker<Outcome> {
  readonly #options: FlowConformanceOptions & { batchSize: number };
  readonly #bell: Bell;
  readonly #gathering = new CheckGathering();
  #woken = false;

  constructor(options: FlowConformanceOptions) {
    const bell = new Bell();
    super(jobTableLoop('flow-conformance', { ...options, bell, pollMs: options.pollMs ?? 1000 }));
    this.#bell = bell;
    this.#options = { batchSize: 25, ...options };
  }

  /** When the check a timeline that grew at `now` asks for comes due. */
  checkDueAt(now: Date): Date {
    return this.#gathering.dueAt(now);
  }

  /** A timeline grew: its check comes due after the delay that gathers a burst of messages. */
  wake(): void {
    this.#woken = true;
    this.#bell.ring();
  }

  /** Checks due now, and those that messages asked for, gathering more of them. */
  backlog(): Promise<number> {
    return countDueFlowChecks(this.#options.db, this.#gathering.horizon(this.#options.clock.now()));
  }

  /** The checks are made as they are claimed, under their row locks: what is left is to report them. */
  protected claim(): Promise<Outcome[]> {
    return this.#checkDue();
  }

  protected claimWasFull(jobs: readonly Outcome[]): boolean {
    return jobs.length >= this.#options.batchSize;
  }

  protected async work(outcome: Outcome): Promise<void> {
    this.#report(outcome);
  }

  /** A check also comes due with no message, when the step an order awaits runs out of time. */
  protected async untilNextDue(): Promise<number | undefined> {
    const dueAt = await nextFlowCheckDue(this.#options.db);
    return dueAt && dueAt.getTime() - this.#options.clock.now().getTime();
  }

  protected override async idle(): Promise<boolean> {
    if (!this.#woken) return super.idle();
    this.#woken = false;
    // The pause answers the ring that came with the wake-up: taken, it would claim once more for nothing.
    this.#bell.take();
    await this.pause(checkDelayMs);
    return true;
  }

  async #checkDue(): Promise<Outcome[]> {
    const { db, clock, batchSize } = this.#options;
    const outcomes = await db.transaction(async (tx) => {
      const now = clock.now();
      const claimed = await claimDueFlowChecks(tx, now, batchSize);
      const checks = claimed.map((check) => ({ check, report: conformanceOf(check.timeline, now) }));
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
    // Counted once committed: a transaction rolled back and run again made its checks once.
    this.#gathering.noteClaim(outcomes.length, clock.now());
    return outcomes;
  }

  /** After the commit, so that a check rolled back and run again counts nothing twice. */
  #report({ correlationId, orderIds, newDepartures }: Outcome): void {
    this.#options.checks.inc();
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
