import type { Envelope, ServiceId } from '../../../contracts/index.js';
import type { Database, Sql } from '../db/database.js';
import { AppError, ContractViolation } from '../kernel/errors.js';
import { busConsumerName, channelsLeftToObserve } from './bus-consumers.js';
import type { Logger } from '../kernel/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery, MessageBus, Subscription } from './bus.js';
import {
  handlerConsumer,
  observerConsumer,
  type AdmittedMessage,
  type Consumer,
} from './consumer-runners.js';
import type { DeadLetterStore } from './dead-letters.js';
import { Deferral } from './deferral.js';
import type { MessageHandler, MessageObserver } from './handler.js';
import { claimInboxSlots } from './inbox.js';
import { park, parkedAwaiting, unparkAll } from './parking.js';
import type { Outbox } from './outbox.js';
import { isContention, type RetryPolicy } from './retry.js';

export type { MessageObserver } from './handler.js';
export { exponentialBackoff } from './retry.js';

export interface ConsumerGroupOptions {
  readonly service: ServiceId;
  readonly schema: string;
  readonly db: Database;
  readonly bus: MessageBus;
  readonly outbox: Outbox;
  readonly deadLetters: DeadLetterStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly retry: RetryPolicy;
  readonly maxInFlight: number;
  readonly ackWaitMs: number;
  /**
   * Which consumers handle the deliveries that arrive together in one transaction. Batch handlers
   * always do: their statements are set-based and lock rows in sorted order. 'all' batches the
   * others too, which pays on a single-connection database (PGlite), where transactions run one at
   * a time anyway; on a pool their concurrent batches would lock rows in different orders and
   * deadlock, so 'set-based' gives each of their messages its own transaction.
   */
  readonly batchDeliveries: 'all' | 'set-based';
}

interface QueuedDelivery {
  readonly delivery: Delivery;
  readonly payload: unknown;
  readonly settled: () => void;
}

type Outcome = 'handled' | 'duplicate' | 'gone';

/**
 * Runs a service's message handlers: decoding, version and schema checks, the inbox, the
 * transaction, and the settlement of each delivery (ack, retry with back-off, or dead letter).
 * Handlers own only their business step.
 */
export class ConsumerGroup {
  readonly #options: ConsumerGroupOptions;
  readonly #consumers = new Map<string, Consumer>();
  readonly #subscriptions: Subscription[] = [];
  /** Deliveries of one consumer that arrived in the same tick, handled together. */
  readonly #batches = new Map<string, QueuedDelivery[]>();

  constructor(options: ConsumerGroupOptions) {
    this.#options = options;
    options.outbox.onResumed((awaited) => {
      this.#resume(awaited).catch((error: unknown) => {
        options.logger.error({ err: error, awaited }, 'parked messages could not be resumed');
      });
    });
  }

  consumerName(name: string): string {
    return busConsumerName(this.#options.service, name);
  }

  async start(
    handlers: readonly MessageHandler[],
    observers: readonly MessageObserver[] = [],
  ): Promise<void> {
    const context = { service: this.#options.service, outbox: this.#options.outbox, bus: this.#options.bus };
    const watchers = observers.map((observer) => ({
      observer,
      consumer: observerConsumer(context, this.consumerName(observer.name), observer),
    }));
    const watching = (channel: string) =>
      watchers.filter(({ observer }) => observer.channels.includes(channel)).map(({ consumer }) => consumer);
    for (const handler of handlers) {
      const name = this.consumerName(handler.name);
      this.#register(handlerConsumer(context, name, handler, watching(handler.contract.channel)));
    }
    for (const { observer, consumer } of watchers) {
      const channels = channelsLeftToObserve(observer.channels, handlers);
      if (channels.length > 0) this.#register({ ...consumer, channels });
    }
    for (const consumer of this.#consumers.values()) {
      this.#subscriptions.push(
        await this.#options.bus.subscribe({
          consumer: consumer.name,
          channels: consumer.channels,
          maxInFlight: this.#options.maxInFlight,
          ackWaitMs: this.#options.ackWaitMs,
          handle: (delivery) => this.#accept(consumer, delivery),
        }),
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.#subscriptions.splice(0).map((subscription) => subscription.stop()));
  }

  get consumerNames(): string[] {
    return [...this.#consumers.keys()];
  }

  /**
   * Runs a dead-lettered message through its consumer again: the inbox, or an observer's own record
   * keyed by message id, still guards against doubles.
   */
  async replay(deadLetterId: number): Promise<'handled' | 'duplicate' | 'gone'> {
    const letter = await this.#options.deadLetters.get(deadLetterId);
    if (!letter)
      throw new AppError('not_found', 'MESSAGING.DEAD_LETTER_NOT_FOUND', `No dead letter ${deadLetterId}`);
    if (letter.replayedAt)
      throw new AppError(
        'conflict',
        'MESSAGING.ALREADY_REPLAYED',
        `Dead letter ${deadLetterId} was replayed`,
      );
    const consumer = this.#consumers.get(letter.consumer);
    if (!consumer)
      throw new AppError('not_found', 'MESSAGING.CONSUMER_NOT_FOUND', `No consumer ${letter.consumer} here`);
    const admission = consumer.admit(letter.envelope);
    if (!admission.admitted) {
      throw new AppError('conflict', 'MESSAGING.STILL_REJECTED', `Still rejected: ${admission.reason}`);
    }
    const [outcome = 'handled'] = await this.#execute(consumer, [
      { envelope: letter.envelope, payload: admission.payload },
    ]);
    await this.#options.deadLetters.markReplayed(deadLetterId);
    return outcome;
  }

  #register(consumer: Consumer): void {
    if (this.#consumers.has(consumer.name)) throw new Error(`Consumer ${consumer.name} is declared twice`);
    this.#consumers.set(consumer.name, consumer);
  }

  /** Dead-letters what cannot be admitted; queues the rest to be handled with the deliveries of this tick. */
  async #accept(consumer: Consumer, delivery: Delivery): Promise<void> {
    const admission = consumer.admit(delivery.envelope);
    if (!admission.admitted) {
      await this.#deadLetter(consumer, delivery, admission.reason);
      return;
    }
    if (this.#options.batchDeliveries === 'set-based' && !consumer.setBased) {
      await this.#settle(consumer, delivery, admission.payload);
      return;
    }
    let batch = this.#batches.get(consumer.name);
    if (!batch) {
      batch = [];
      this.#batches.set(consumer.name, batch);
    }
    const queue = batch;
    await new Promise<void>((settled) => {
      queue.push({ delivery, payload: admission.payload, settled });
      if (queue.length === 1) setImmediate(() => void this.#drain(consumer, queue));
    });
  }

  /**
   * Handles the queued deliveries in one transaction — one commit and one ack round trip for the
   * lot. If any of them fails, the transaction is rolled back and each is handled on its own, so a
   * failure, a retry or a deferral concerns only its own message.
   */
  async #drain(consumer: Consumer, queue: QueuedDelivery[]): Promise<void> {
    const batch = queue.splice(0);
    try {
      const first = batch[0];
      if (batch.length === 1 && first) {
        await this.#settle(consumer, first.delivery, first.payload);
        return;
      }
      const timer = this.#options.metrics.handlerSeconds.startTimer({ consumer: consumer.name });
      let outcomes: Outcome[];
      try {
        outcomes = await this.#execute(
          consumer,
          batch.map(({ delivery, payload }) => ({ envelope: delivery.envelope, payload })),
        );
      } catch {
        for (const { delivery, payload } of batch) await this.#settle(consumer, delivery, payload);
        return;
      }
      timer();
      await Promise.all(batch.map(({ delivery }) => delivery.ack()));
      for (const outcome of outcomes)
        this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome });
    } finally {
      for (const { settled } of batch) settled();
    }
  }

  async #settle(consumer: Consumer, delivery: Delivery, payload: unknown): Promise<void> {
    const { metrics, logger, retry } = this.#options;
    const envelope = delivery.envelope;
    const timer = metrics.handlerSeconds.startTimer({ consumer: consumer.name });
    try {
      const [outcome = 'handled'] = await this.#execute(consumer, [{ envelope, payload }]);
      await delivery.ack();
      timer();
      metrics.messagesHandled.inc({ consumer: consumer.name, outcome });
    } catch (error) {
      if (error instanceof Deferral) {
        await this.#park(consumer, envelope, payload, error);
        await delivery.ack();
        return;
      }
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof ContractViolation) {
        await this.#deadLetter(consumer, delivery, `bug: ${reason}`);
        return;
      }
      if (error instanceof AppError && error.category !== 'unavailable') {
        await this.#deadLetter(consumer, delivery, `rejected: ${error.code}: ${reason}`);
        return;
      }
      if (delivery.deliveryCount >= retry.maxDeliveries && !isContention(error)) {
        await this.#deadLetter(
          consumer,
          delivery,
          `failed ${delivery.deliveryCount} times; last error: ${reason}`,
        );
        return;
      }
      logger.warn(
        {
          err: error,
          consumer: consumer.name,
          messageId: envelope.id,
          deliveryCount: delivery.deliveryCount,
        },
        'handler failed, will retry',
      );
      metrics.messagesHandled.inc({ consumer: consumer.name, outcome: 'retried' });
      await delivery.nak(retry.backoffMs(delivery.deliveryCount));
    }
  }

  /**
   * Handles messages in one transaction, each with its inbox slot where the consumer keeps an inbox
   * (and, for a parked message, its removal from the parking lot): 'gone' when another run took it
   * out of the lot first.
   */
  async #execute(
    consumer: Consumer,
    messages: readonly AdmittedMessage[],
    fromParking = false,
  ): Promise<Outcome[]> {
    const { db, schema, outbox } = this.#options;
    const { outcomes, work } = await db.transaction(async (tx) => {
      const unparked = fromParking ? await unparkAll(tx, schema, consumer.name, messages) : messages;
      const firstSeen = consumer.keepsInbox ? await firstSeenOf(tx, schema, consumer, unparked) : unparked;
      return {
        work: firstSeen.length > 0 ? [await consumer.run(tx, firstSeen)] : [],
        outcomes: messages.map(({ envelope }): Outcome =>
          firstSeen.some((m) => m.envelope === envelope)
            ? 'handled'
            : unparked.some((m) => m.envelope === envelope)
              ? 'duplicate'
              : 'gone',
        ),
      };
    });
    outbox.committed(work);
    return outcomes;
  }

  /**
   * Parks a deferred message, then tries it once more: the awaited fact may have committed while
   * the message was being parked, and its `resume` would then have found nothing to wake.
   */
  async #park(consumer: Consumer, envelope: Envelope, payload: unknown, deferral: Deferral): Promise<void> {
    await park(this.#options.db, this.#options.schema, consumer.name, envelope, deferral);
    this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome: 'parked' });
    await this.#runParked(consumer, envelope, payload);
  }

  async #runParked(consumer: Consumer, envelope: Envelope, payload: unknown): Promise<void> {
    try {
      const [outcome = 'gone'] = await this.#execute(consumer, [{ envelope, payload }], true);
      if (outcome !== 'gone') this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome });
    } catch (error) {
      if (error instanceof Deferral) return;
      const { db, schema, deadLetters, logger } = this.#options;
      await db.transaction((tx) => unparkAll(tx, schema, consumer.name, [{ envelope }]));
      const reason = `failed after waiting: ${error instanceof Error ? error.message : String(error)}`;
      logger.error(
        { consumer: consumer.name, messageId: envelope.id, reason },
        'parked message dead-lettered',
      );
      await deadLetters.record(consumer.name, envelope, reason, 1);
    }
  }

  async #resume(awaited: readonly string[]): Promise<void> {
    const { db, schema } = this.#options;
    for (const parked of await parkedAwaiting(db, schema, awaited)) {
      const consumer = this.#consumers.get(parked.consumer);
      const admission = consumer?.admit(parked.envelope);
      if (consumer && admission?.admitted)
        await this.#runParked(consumer, parked.envelope, admission.payload);
    }
  }

  async #deadLetter(consumer: Consumer, delivery: Delivery, reason: string): Promise<void> {
    this.#options.logger.error(
      { consumer: consumer.name, messageId: delivery.envelope.id, type: delivery.envelope.type, reason },
      'message dead-lettered',
    );
    await this.#options.deadLetters.record(
      consumer.name,
      delivery.envelope,
      reason,
      delivery.deliveryCount,
      delivery.body,
    );
    await delivery.term();
    this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome: 'dead_lettered' });
  }
}

/** The messages whose inbox slots this transaction claims, each the first under its idempotency key. */
async function firstSeenOf(
  tx: Sql,
  schema: string,
  consumer: Consumer,
  messages: readonly AdmittedMessage[],
): Promise<AdmittedMessage[]> {
  const fresh = await claimInboxSlots(
    tx,
    schema,
    consumer.name,
    messages.map(({ envelope }) => envelope),
  );
  // Deleting as it goes: of two messages with one key in the batch, only the first is applied.
  return messages.filter(({ envelope }) => fresh.delete(envelope.idempotencykey));
}
