import { setTimeout } from 'node:timers/promises';
import { NotificationFailed, NotificationSent } from '../../../../contracts/index.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import { storedActor, type MessageOrigin } from '../../../platform/messaging/unit-of-work.js';
import {
  jobTableLoop,
  LeasedWorker,
  type JobWorkerOptions,
  type LeasedJobOptions,
} from '../../../platform/jobs/leased-worker.js';
import { describeJobFailure } from '../../../platform/jobs/job-failure.js';
import { GroupCommit, type GroupMember, type Recorded } from '../../../platform/messaging/group-commit.js';
import { backoffMs } from '../../../platform/kernel/backoff.js';
import {
  claimDue,
  countPending,
  recordFinalOutcomes,
  scheduleRetry,
  untilNextDue,
  type ClaimedNotification,
  type FinalOutcome,
} from '../infrastructure/notification-store.js';
import { inDeferredSpan } from '../../../platform/observability/message-spans.js';

/** What a channel is handed: one rendered email. */
export interface OutgoingMessage {
  notificationId: string;
  to: string;
  subject: string;
  text: string;
}

/**
 * Where notifications go. A send that throws an error with `transient: false` is not tried again;
 * any other failure is retried with back-off until the attempts run out.
 */
export interface DeliveryChannel {
  readonly name: string;
  /** How a successful send is reported: handed to a provider, or only recorded. */
  readonly delivery: 'delivered_to_provider' | 'recorded_only';
  send(message: OutgoingMessage): Promise<{ providerMessageId: string | null }>;
  /** Waits for the sends in flight, then releases the channel. */
  close(): Promise<void>;
}

export interface DispatcherOptions extends JobWorkerOptions {
  readonly outbox: Outbox;
  readonly channel: DeliveryChannel;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
}

const defaults = {
  pollMs: 200,
  batchSize: 20,
  leaseMs: 120_000,
  maxRetryDelayMs: 3_600_000,
} satisfies Required<LeasedJobOptions>;

/** How a claimed notification's send ended, recorded with the others of its claim. */
interface SendEnd {
  readonly notification: ClaimedNotification;
  readonly outcome:
    | { readonly status: 'sent' | 'recorded'; readonly providerMessageId: string | null }
    | { readonly status: 'failed'; readonly error: string };
}

type SendRecorder = GroupMember<SendEnd>;

/** A claimed notification, and its share of the transaction that records the outcomes of its claim. */
interface NotificationJob {
  readonly notification: ClaimedNotification;
  readonly recorder: SendRecorder;
}

/**
 * Sends pending notifications through the channel, one short statement to claim them and one
 * short transaction for the outcomes of the claim: no transaction is open while the channel talks
 * to its provider. Several dispatchers (replicas) share the work through the claim's lease and
 * `skip locked`.
 */
export class NotificationDispatcher extends LeasedWorker<NotificationJob> {
  readonly #options: Required<DispatcherOptions>;

  constructor(options: DispatcherOptions) {
    const withDefaults = { ...defaults, ...options };
    super(jobTableLoop('notification-dispatcher', withDefaults));
    this.#options = withDefaults;
  }

  /** Stops claiming, lets the sends in flight finish and record their outcome, then closes the channel. */
  override async stop(): Promise<void> {
    await super.stop();
    await this.#options.channel.close();
  }

  backlog(): Promise<number> {
    return countPending(this.#options.db);
  }

  protected async claim(): Promise<NotificationJob[]> {
    const notifications = await claimDue(this.#options.db, this.#options.batchSize, this.#options.leaseMs);
    const outcomes = new GroupCommit<SendEnd>(this.#options.outbox, notifications.length, (ends) =>
      this.#recordEnds(ends),
    );
    return notifications.map((notification) => ({ notification, recorder: outcomes.member() }));
  }

  protected claimWasFull(jobs: readonly NotificationJob[]): boolean {
    return jobs.length >= this.#options.batchSize;
  }

  protected untilNextDue(): Promise<number | undefined> {
    return untilNextDue(this.#options.db);
  }

  protected async work({ notification, recorder }: NotificationJob): Promise<void> {
    try {
      await this.#traced(notification, recorder);
    } finally {
      recorder.leave();
    }
  }

  #traced(notification: ClaimedNotification, recorder: SendRecorder): Promise<void> {
    return inDeferredSpan(
      `notification ${notification.type}`,
      {
        service: 'NotificationService',
        traceparent: notification.traceparent,
        attributes: {
          'notification.id': notification.notificationId,
          ...(notification.orderId ? { 'order.id': notification.orderId } : {}),
        },
      },
      () => this.#dispatch(notification, recorder),
    );
  }

  async #dispatch(notification: ClaimedNotification, recorder: SendRecorder): Promise<void> {
    const { channel, logger } = this.#options;
    let record: () => Promise<void>;
    try {
      const outcome = await channel.send({
        notificationId: notification.notificationId,
        to: notification.recipient,
        subject: notification.subject,
        text: notification.text,
      });
      record = () => this.#delivered(recorder, notification, outcome.providerMessageId);
    } catch (error) {
      record = () => this.#failed(recorder, notification, error);
    }
    try {
      await this.#untilRecorded(record);
    } catch (error) {
      // Still unrecorded when the lease ran out: another attempt will be made (its Message-ID lets
      // the receiver drop the copy).
      logger.error(
        { err: error, notificationId: notification.notificationId },
        'could not record the outcome of a notification',
      );
    }
  }

  /**
   * What was sent must be recorded, or it would be sent again: a database that is away for a moment
   * is waited for, with back-off, for as long as this dispatcher holds the lease.
   */
  async #untilRecorded(record: () => Promise<void>): Promise<void> {
    const giveUpAt = Date.now() + this.#options.leaseMs / 2;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await record();
        return;
      } catch (error) {
        if (Date.now() > giveUpAt) throw error;
        await setTimeout(backoffMs(attempt + 1, { baseMs: 100, maxMs: 2000 }));
      }
    }
  }

  #delivered(
    recorder: SendRecorder,
    notification: ClaimedNotification,
    providerMessageId: string | null,
  ): Promise<void> {
    const status = this.#options.channel.delivery === 'recorded_only' ? 'recorded' : 'sent';
    return recorder.record(originOf(notification), {
      notification,
      outcome: { status, providerMessageId },
    });
  }

  /**
   * Records how the sends of a claim ended, in one statement, and tells of each that took its
   * outcome (one another dispatcher settled first does not).
   */
  async #recordEnds(ends: readonly Recorded<SendEnd>[]): Promise<void> {
    const [first] = ends;
    if (!first) return;
    const taken = await recordFinalOutcomes(
      first.uow.sql,
      ends.map(({ uow, end }) => finalOutcomeOf(end, uow.now)),
    );
    for (const { uow, end } of ends) {
      const { notification, outcome } = end;
      if (!taken.has(notification.notificationId)) continue;
      const facts = { ...factsOf(notification), timestamp: uow.now.toISOString() };
      if (outcome.status === 'failed')
        uow.emit(
          NotificationFailed,
          { ...facts, attempts: notification.attempts, error: outcome.error },
          { idempotencyKey: `${notification.notificationId}:${NotificationFailed.id}` },
        );
      else
        uow.emit(
          NotificationSent,
          { ...facts, delivery: this.#options.channel.delivery },
          { idempotencyKey: `${notification.notificationId}:${NotificationSent.id}` },
        );
    }
  }

  async #failed(recorder: SendRecorder, notification: ClaimedNotification, error: unknown): Promise<void> {
    const { db, logger, maxAttempts, retryBaseMs, maxRetryDelayMs } = this.#options;
    const reason = describeJobFailure(error);
    const log = { notificationId: notification.notificationId, attempts: notification.attempts, reason };
    if (!isPermanent(error) && notification.attempts < maxAttempts) {
      const delayMs = backoffMs(notification.attempts, { baseMs: retryBaseMs, maxMs: maxRetryDelayMs });
      await scheduleRetry(db, notification.notificationId, { delayMs, error: reason });
      logger.warn({ ...log, delayMs }, 'notification not sent, will retry');
      return;
    }
    await recorder.record(originOf(notification), {
      notification,
      outcome: { status: 'failed', error: reason },
    });
    logger.error(log, 'notification failed for good');
  }
}

function finalOutcomeOf({ notification, outcome }: SendEnd, at: Date): FinalOutcome {
  const { notificationId } = notification;
  return outcome.status === 'failed'
    ? { notificationId, status: 'failed', providerMessageId: null, error: outcome.error, at }
    : {
        notificationId,
        status: outcome.status,
        providerMessageId: outcome.providerMessageId,
        error: null,
        at,
      };
}

const originOf = (notification: ClaimedNotification): MessageOrigin => ({
  correlationId: notification.correlationId,
  causationId: notification.sourceMessageId,
  ...(notification.traceparent === null ? {} : { traceparent: notification.traceparent }),
  ...storedActor(notification),
});

function factsOf(notification: ClaimedNotification) {
  return {
    notificationId: notification.notificationId,
    type: notification.type,
    channel: notification.channel,
    recipient: notification.recipient,
    ...(notification.orderId === null ? {} : { orderId: notification.orderId }),
  };
}

/** Only a failure the channel marks as not transient is final; unknown failures get another try. */
function isPermanent(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'transient' in error && error.transient === false;
}
