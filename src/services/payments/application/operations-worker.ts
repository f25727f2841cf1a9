import type { Worker } from '../../../platform/service.js';
import { claimDue, countPending, type ClaimedOperation } from '../infrastructure/operation-store.js';
import type { OperationsBell } from './operations-bell.js';
import { runOperation, type OperationDependencies } from './run-operation.js';
import { inDeferredSpan } from '../../../platform/observability/message-spans.js';

export interface OperationsWorkerOptions extends Omit<OperationDependencies, 'leaseMs'> {
  readonly bell: OperationsBell;
  /** The longest a provider call may take before its outcome counts as unknown. */
  readonly callTimeoutMs: number;
  /** Longest idle wait between two looks for due operations (retries come due without a ring). */
  readonly pollMs?: number;
  readonly batchSize?: number;
}

/**
 * Makes the provider calls that payments queued, outside any transaction: one short statement to
 * claim due operations under a lease (longer than a call can take), one short transaction per
 * outcome. Replicas share the work through the lease and `skip locked`.
 */
export class OperationsWorker implements Worker {
  readonly name = 'payment-operations';
  readonly #options: OperationDependencies & OperationsWorkerOptions;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: OperationsWorkerOptions) {
    // Longer than one provider call; renewed before each call, so a crashed worker's hold is short.
    this.#options = { ...options, leaseMs: options.callTimeoutMs + 5_000 };
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming and lets the operations in flight finish and record their outcome. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#options.bell.ring();
    await this.#loop;
  }

  backlog(): Promise<number> {
    return countPending(this.#options.db);
  }

  async #run(): Promise<void> {
    const { db, bell, logger, pollMs = 100, batchSize = 16 } = this.#options;
    while (this.#running) {
      let claimed: ClaimedOperation[] = [];
      try {
        claimed = await claimDue(db, batchSize, this.#options.leaseMs);
      } catch (error) {
        logger.warn({ err: error }, 'could not claim payment operations, will try again');
      }
      if (claimed.length > 0) {
        await Promise.all(claimed.map((operation) => this.#turn(operation)));
        continue;
      }
      await bell.wait(pollMs);
    }
  }

  async #turn(operation: ClaimedOperation): Promise<void> {
    try {
      await inDeferredSpan(
        `payment ${operation.kind}`,
        {
          service: 'PaymentService',
          traceparent: operation.traceparent,
          attributes: { 'payment.id': operation.paymentId, 'payment.operation': operation.kind },
        },
        () => runOperation(this.#options, operation),
      );
    } catch (error) {
      // Recording failed: the lease runs out, and the next claim reconciles whatever the call did.
      this.#options.logger.error(
        {
          operationId: operation.operationId,
          reason: error instanceof Error ? error.message : String(error),
        },
        'could not record the outcome of a payment operation',
      );
    }
  }
}
