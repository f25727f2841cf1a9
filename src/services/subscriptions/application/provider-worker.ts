import { AppError } from '../../../platform/kernel/errors.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import { storedActor } from '../../../platform/messaging/unit-of-work.js';
import {
  jobTableLoop,
  LeasedWorker,
  type JobWorkerOptions,
  type LeasedJobOptions,
} from '../../../platform/jobs/leased-worker.js';
import { clipFailureText, describeJobFailure } from '../../../platform/jobs/job-failure.js';
import { backoffMs } from '../../../platform/kernel/backoff.js';
import type { ProviderReport } from '../domain/index.js';
import {
  claimDueOperations,
  countPendingOperations,
  finishOperation,
  scheduleOperationRetry,
  untilNextOperationDue,
  type ClaimedOperation,
} from '../infrastructure/provider-operations.js';
import { changeSubscription } from './change-subscription.js';
import { ProviderRefusal, type SubscriptionProvider } from './provider.js';

export interface ProviderWorkerOptions extends JobWorkerOptions {
  readonly outbox: Outbox;
  readonly provider: SubscriptionProvider;
  /** Calls of one operation before the provider counts as unavailable. */
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
}

const defaults = {
  pollMs: 200,
  batchSize: 10,
  leaseMs: 120_000,
  maxRetryDelayMs: 600_000,
} satisfies Required<LeasedJobOptions>;

/**
 * Makes the calls to the provider that commands scheduled: one short statement claims them, the
 * provider is called with no transaction open, and one short transaction records each answer
 * with the events it causes. The operation id is the provider's idempotency key, so a retry after
 * a timeout or a crash never starts or cancels twice. Replicas share the work through the lease.
 */
export class ProviderWorker extends LeasedWorker<ClaimedOperation> {
  readonly #options: Required<ProviderWorkerOptions>;

  constructor(options: ProviderWorkerOptions) {
    const withDefaults = { ...defaults, ...options };
    super(jobTableLoop('subscription-provider', withDefaults));
    this.#options = withDefaults;
  }

  backlog(): Promise<number> {
    return countPendingOperations(this.#options.db);
  }

  protected claim(): Promise<ClaimedOperation[]> {
    return claimDueOperations(this.#options.db, this.#options.batchSize, this.#options.leaseMs);
  }

  protected claimWasFull(jobs: readonly ClaimedOperation[]): boolean {
    return jobs.length >= this.#options.batchSize;
  }

  protected untilNextDue(): Promise<number | undefined> {
    return untilNextOperationDue(this.#options.db);
  }

  protected work(operation: ClaimedOperation): Promise<void> {
    return this.#perform(operation);
  }

  async #perform(operation: ClaimedOperation): Promise<void> {
    const { logger } = this.#options;
    const log = { operationId: operation.operationId, kind: operation.kind, attempts: operation.attempts };
    try {
      let answer: ProviderReport;
      try {
        answer = await this.#call(operation);
      } catch (error) {
        if (!(error instanceof ProviderRefusal) && operation.attempts < this.#options.maxAttempts) {
          await this.#retryLater(operation, error);
          return;
        }
        answer = failureOf(operation, error);
      }
      await this.#record(operation, answer);
    } catch (error) {
      if (error instanceof AppError && error.category !== 'unavailable') {
        // The lifecycle refuses the answer: a bug, which retrying cannot fix. Keep it for inspection.
        await finishOperation(this.#options.db, operation.operationId, {
          status: 'failed',
          error: describeJobFailure(error),
          at: new Date(),
        });
        logger.error({ ...log, err: error }, 'the answer of the provider could not be recorded');
        return;
      }
      // Recording failed for a passing reason: the lease runs out and the operation is tried again.
      logger.error({ ...log, err: error }, 'could not record the answer of the provider');
    }
  }

  async #call(operation: ClaimedOperation): Promise<ProviderReport> {
    const { provider } = this.#options;
    switch (operation.kind) {
      case 'start': {
        const started = await provider.start(operation.request, operation.operationId);
        return {
          type: 'RecordStart',
          plan: started.plan,
          provider: { name: provider.name, subscriptionId: started.providerSubscriptionId },
          currentPeriodStart: started.currentPeriodStart,
          currentPeriodEnd: started.currentPeriodEnd,
        };
      }
      case 'cancel': {
        const cancelled = await provider.cancel(operation.request, operation.operationId);
        return { type: 'RecordCancellation', endsAt: cancelled.endsAt };
      }
    }
  }

  async #retryLater(operation: ClaimedOperation, error: unknown): Promise<void> {
    const { db, logger, retryBaseMs, maxRetryDelayMs } = this.#options;
    const delayMs = backoffMs(operation.attempts, { baseMs: retryBaseMs, maxMs: maxRetryDelayMs });
    const reason = describeJobFailure(error);
    await scheduleOperationRetry(db, operation.operationId, { delayMs, error: reason });
    logger.warn(
      { operationId: operation.operationId, attempts: operation.attempts, delayMs, reason },
      'provider call failed, will retry',
    );
  }

  async #record(operation: ClaimedOperation, answer: ProviderReport): Promise<void> {
    const origin = {
      correlationId: operation.correlationId,
      ...(operation.causationId === null ? {} : { causationId: operation.causationId }),
      ...storedActor(operation),
    };
    await this.#options.outbox.run(origin, async (uow) => {
      const failed = answer.type === 'RecordStartFailure' || answer.type === 'RecordCancellationFailure';
      const finished = await finishOperation(uow.sql, operation.operationId, {
        status: 'done',
        ...(failed ? { error: answer.detail } : {}),
        at: uow.now,
      });
      if (!finished) return;
      await changeSubscription(uow, operation.subscriptionId, answer);
    });
  }
}

/** The answer recorded when the provider refused, or never answered in `maxAttempts` calls. */
function failureOf(operation: ClaimedOperation, error: unknown): ProviderReport {
  const refused = error instanceof ProviderRefusal;
  const reason = refused ? 'provider_refused' : 'provider_unavailable';
  const detail = refused
    ? describeJobFailure(error)
    : `No answer after ${operation.attempts} attempts; last error: ${describeJobFailure(error)}`;
  switch (operation.kind) {
    case 'start':
      return { type: 'RecordStartFailure', reason, detail: clipFailureText(detail) };
    case 'cancel':
      return { type: 'RecordCancellationFailure', reason, detail: clipFailureText(detail) };
  }
}
