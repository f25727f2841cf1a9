import { jobTableLoop, LeasedWorker, type LeasedJobOptions } from '../../../platform/jobs/leased-worker.js';
import { GroupCommit, type GroupMember } from '../../../platform/messaging/group-commit.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import {
  claimDue,
  countPending,
  setReferences,
  startCalls,
  untilNextDue,
  type ClaimedOperation,
  type PreparedReference,
} from '../infrastructure/operation-store.js';
import { findPayments } from '../infrastructure/payment-repository.js';
import type { Payment } from '../domain/index.js';
import {
  recordTurnEnds,
  runOperation,
  type CallRecords,
  type OperationDependencies,
  type TurnEnd,
} from './run-operation.js';
import { inDeferredSpan } from '../../../platform/observability/message-spans.js';
import { TickBatch, tickBatchOfEffects } from '../../../platform/kernel/tick-batch.js';

/** The lease is not tunable: it follows from the call timeout. */
export interface OperationsWorkerOptions
  extends Omit<OperationDependencies, 'leaseMs' | 'calls'>, Pick<LeasedJobOptions, 'pollMs' | 'batchSize'> {
  readonly bell: Bell;
  /** The longest a provider call may take before its outcome counts as unknown. */
  readonly callTimeoutMs: number;
}

/**
 * A claimed operation, its payment as the claim found it, and its share of the transaction that
 * records the outcomes of its claim.
 */
interface OperationJob {
  readonly operation: ClaimedOperation;
  readonly payment: Payment | undefined;
  readonly recorder: GroupMember<TurnEnd>;
}

/**
 * Makes the provider calls that payments queued, outside any transaction: one short statement to
 * claim due operations under a lease (longer than a call can take), the calls side by side, and one
 * short transaction for the outcomes of the claim. Replicas share the work through the lease and
 * `skip locked`.
 */
export class OperationsWorker extends LeasedWorker<OperationJob> {
  readonly #options: OperationDependencies & OperationsWorkerOptions & { batchSize: number };

  constructor(options: OperationsWorkerOptions) {
    super(jobTableLoop('payment-operations', { ...options, pollMs: options.pollMs ?? 100 }));
    // Longer than one provider call; renewed before each call, so a crashed worker's hold is short.
    const leaseMs = options.callTimeoutMs + 5_000;
    this.#options = { batchSize: 16, ...options, leaseMs, calls: batchedCallRecords(options, leaseMs) };
  }

  backlog(): Promise<number> {
    return countPending(this.#options.db);
  }

  protected async claim(): Promise<OperationJob[]> {
    const { db, batchSize, leaseMs, outbox, bell } = this.#options;
    const operations = await claimDue(db, batchSize, leaseMs);
    const payments = await findPayments(
      db,
      operations.map((operation) => operation.paymentId),
    );
    const outcomes = new GroupCommit<TurnEnd>(outbox, operations.length, (ends) =>
      recordTurnEnds(bell, ends),
    );
    return operations.map((operation) => ({
      operation,
      payment: payments.get(operation.paymentId)?.payment,
      recorder: outcomes.member(),
    }));
  }

  protected claimWasFull(jobs: readonly OperationJob[]): boolean {
    return jobs.length >= this.#options.batchSize;
  }

  protected untilNextDue(): Promise<number | undefined> {
    return untilNextDue(this.#options.db);
  }

  protected async work({ operation, payment, recorder }: OperationJob): Promise<void> {
    try {
      await inDeferredSpan(
        `payment ${operation.kind}`,
        {
          service: 'PaymentService',
          traceparent: operation.traceparent,
          attributes: { 'payment.id': operation.paymentId, 'payment.operation': operation.kind },
        },
        () => runOperation(this.#options, operation, payment, recorder),
      );
    } catch (error) {
      // Recording failed: the lease runs out, and the next claim reconciles whatever the call did.
      this.logger.error(
        {
          operationId: operation.operationId,
          reason: error instanceof Error ? error.message : String(error),
        },
        'could not record the outcome of a payment operation',
      );
    } finally {
      recorder.leave();
    }
  }
}

/** Call records of the operations of a claim, which start their calls in the same turn, one statement each. */
function batchedCallRecords(
  { db, clock }: Pick<OperationDependencies, 'db' | 'clock'>,
  leaseMs: number,
): CallRecords {
  const starts = new TickBatch<string, number | undefined>((operationIds) =>
    startCalls(db, operationIds, clock.now(), leaseMs),
  );
  const references = tickBatchOfEffects<PreparedReference>((prepared) =>
    setReferences(db, prepared, leaseMs),
  );
  return {
    start: async (operationId) => {
      const number = await starts.add(operationId);
      if (number === undefined) throw new Error(`operation ${operationId} vanished`);
      return number;
    },
    setReference: (prepared) => references.add(prepared),
  };
}
