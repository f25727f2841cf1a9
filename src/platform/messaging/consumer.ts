import semver from 'semver';
import {
  Envelope as EnvelopeSchema,
  acceptedRange,
  violationsOf,
  type Envelope,
  type MessageContract,
  type PayloadOf,
  type SchemaViolation,
  type ServiceId,
} from '../../../contracts/index.js';
import type { Database } from '../db/database.js';
import { AppError, ContractViolation } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Delivery, MessageBus, Subscription } from './bus.js';
import type { DeadLetterStore } from './dead-letters.js';
import { Deferral } from './deferral.js';
import { claimInboxSlot } from './inbox.js';
import { park, parkedAwaiting, unpark } from './parking.js';
import type { Outbox } from './outbox.js';
import type { UnitOfWork } from './unit-of-work.js';

export interface IncomingMessage<C extends MessageContract> {
  readonly envelope: Envelope<PayloadOf<C>>;
  readonly payload: PayloadOf<C>;
}

/** Turns data of an older, otherwise rejected version into the current shape. */
export interface Upcaster<C extends MessageContract> {
  /** Semver range of the versions it reads. */
  readonly from: string;
  upcast(data: unknown): PayloadOf<C>;
}

export interface MessageHandler<C extends MessageContract = MessageContract> {
  /** Stable name: part of the durable consumer name and of the inbox key. Renaming it replays history. */
  readonly name: string;
  readonly contract: C;
  readonly upcasters?: readonly Upcaster<C>[];
  handle(message: IncomingMessage<C>, uow: UnitOfWork): Promise<void>;
}

/** Sees every message of the domain, whatever its version; used for audit trails and timelines. */
export interface MessageObserver {
  readonly name: string;
  readonly channels: readonly string[];
  handle(envelope: Envelope, uow: UnitOfWork): Promise<void>;
}

/** Checks a handler against its contract's payload type, then widens it for the runner's list. */
export const defineHandler = <C extends MessageContract>(handler: MessageHandler<C>): MessageHandler =>
  handler;

export interface RetryPolicy {
  readonly maxDeliveries: number;
  backoffMs(deliveryCount: number): number;
}

export const exponentialBackoff = (options: {
  maxDeliveries: number;
  baseMs: number;
  maxMs: number;
}): RetryPolicy => ({
  maxDeliveries: options.maxDeliveries,
  backoffMs: (deliveryCount) => {
    const exponential = Math.min(options.baseMs * 2 ** (deliveryCount - 1), options.maxMs);
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  },
});

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
}

type Admission = { admitted: true; payload: unknown } | { admitted: false; reason: string };

/** A handler or observer, reduced to what the runner needs. */
interface Consumer {
  readonly name: string;
  readonly channels: readonly string[];
  admit(envelope: Envelope): Admission;
  run(envelope: Envelope, payload: unknown, uow: UnitOfWork): Promise<void>;
}

/**
 * Runs a service's message handlers: decoding, version and schema checks, the inbox, the
 * transaction, and the settlement of each delivery (ack, retry with back-off, or dead letter).
 * Handlers own only their business step.
 */
export class ConsumerGroup {
  readonly #options: ConsumerGroupOptions;
  readonly #consumers = new Map<string, Consumer>();
  readonly #subscriptions: Subscription[] = [];

  constructor(options: ConsumerGroupOptions) {
    this.#options = options;
    options.outbox.onResumed((awaited) => {
      this.#resume(awaited).catch((error: unknown) => {
        options.logger.error({ err: error, awaited }, 'parked messages could not be resumed');
      });
    });
  }

  consumerName(name: string): string {
    return `${this.#options.service}-${name}`;
  }

  async start(
    handlers: readonly MessageHandler[],
    observers: readonly MessageObserver[] = [],
  ): Promise<void> {
    for (const handler of handlers) this.#register(this.#handlerConsumer(handler));
    for (const observer of observers) this.#register(this.#observerConsumer(observer));
    for (const consumer of this.#consumers.values()) {
      this.#subscriptions.push(
        await this.#options.bus.subscribe({
          consumer: consumer.name,
          channels: consumer.channels,
          maxInFlight: this.#options.maxInFlight,
          ackWaitMs: this.#options.ackWaitMs,
          handle: (delivery) => this.#settle(consumer, delivery),
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

  /** Runs a dead-lettered message through its consumer again (the inbox still guards against doubles). */
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
    const outcome = await this.#execute(consumer, letter.envelope, admission.payload);
    await this.#options.deadLetters.markReplayed(deadLetterId);
    return outcome;
  }

  #register(consumer: Consumer): void {
    if (this.#consumers.has(consumer.name)) throw new Error(`Consumer ${consumer.name} is declared twice`);
    this.#consumers.set(consumer.name, consumer);
  }

  #handlerConsumer(handler: MessageHandler): Consumer {
    const { service } = this.#options;
    const range = acceptedRange(handler.contract, service);
    if (!range) {
      throw new Error(
        `${service} handles ${handler.contract.id} but the registry does not list it as a consumer`,
      );
    }
    return {
      name: this.consumerName(handler.name),
      channels: [handler.contract.channel],
      admit: (envelope) => admitMessage(handler, range, envelope),
      run: (envelope, payload, uow) => handler.handle({ envelope, payload }, uow),
    };
  }

  #observerConsumer(observer: MessageObserver): Consumer {
    return {
      name: this.consumerName(observer.name),
      channels: observer.channels,
      admit: (envelope) => {
        const violations = violationsOf(EnvelopeSchema, envelope);
        return violations.length
          ? { admitted: false, reason: describe('invalid envelope', violations) }
          : { admitted: true, payload: envelope.data };
      },
      run: (envelope, _payload, uow) => observer.handle(envelope, uow),
    };
  }

  async #settle(consumer: Consumer, delivery: Delivery): Promise<void> {
    const { metrics, logger, retry } = this.#options;
    const envelope = delivery.envelope;
    const admission = consumer.admit(envelope);
    if (!admission.admitted) {
      await this.#deadLetter(consumer, delivery, admission.reason);
      return;
    }
    const timer = metrics.handlerSeconds.startTimer({ consumer: consumer.name });
    try {
      const outcome = await this.#execute(consumer, envelope, admission.payload);
      await delivery.ack();
      timer();
      metrics.messagesHandled.inc({ consumer: consumer.name, outcome });
    } catch (error) {
      if (error instanceof Deferral) {
        await this.#park(consumer, envelope, admission.payload, error);
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
      if (delivery.deliveryCount >= retry.maxDeliveries) {
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
   * Handles the message in one transaction with its inbox slot (and, for a parked message, its
   * removal from the parking lot): 'gone' when another run took it out of the lot first.
   */
  async #execute(
    consumer: Consumer,
    envelope: Envelope,
    payload: unknown,
    fromParking = false,
  ): Promise<'handled' | 'duplicate' | 'gone'> {
    const { db, schema, outbox } = this.#options;
    const origin = {
      correlationId: envelope.correlationid,
      causationId: envelope.id,
      traceparent: envelope.traceparent,
    };
    const { outcome, resumed } = await db.transaction(async (tx) => {
      if (fromParking && !(await unpark(tx, schema, consumer.name, envelope.id))) {
        return { outcome: 'gone' as const, resumed: [] };
      }
      if (!(await claimInboxSlot(tx, schema, consumer.name, envelope))) {
        return { outcome: 'duplicate' as const, resumed: [] };
      }
      const work = await outbox.within(tx, origin, (uow) => consumer.run(envelope, payload, uow));
      return { outcome: 'handled' as const, resumed: work.resumed };
    });
    if (outcome === 'handled') outbox.committed(resumed);
    return outcome;
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
      const outcome = await this.#execute(consumer, envelope, payload, true);
      if (outcome !== 'gone') this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome });
    } catch (error) {
      if (error instanceof Deferral) return;
      const { db, schema, deadLetters, logger } = this.#options;
      await db.transaction((tx) => unpark(tx, schema, consumer.name, envelope.id));
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
    await this.#options.deadLetters.record(consumer.name, delivery.envelope, reason, delivery.deliveryCount);
    await delivery.term();
    this.#options.metrics.messagesHandled.inc({ consumer: consumer.name, outcome: 'dead_lettered' });
  }
}

function admitMessage(handler: MessageHandler, range: string, envelope: Envelope): Admission {
  const envelopeViolations = violationsOf(EnvelopeSchema, envelope);
  if (envelopeViolations.length > 0)
    return { admitted: false, reason: describe('invalid envelope', envelopeViolations) };
  const { contract } = handler;
  if (envelope.type !== contract.id) {
    return {
      admitted: false,
      reason: `unexpected message type ${envelope.type} on the ${contract.id} consumer`,
    };
  }
  let payload: unknown = envelope.data;
  if (!semver.satisfies(envelope.dataversion, range)) {
    const upcaster = handler.upcasters?.find((candidate) =>
      semver.satisfies(envelope.dataversion, candidate.from),
    );
    if (!upcaster) {
      return {
        admitted: false,
        reason: `${contract.id} version ${envelope.dataversion} is outside the accepted range ${range} and no upcaster reads it`,
      };
    }
    payload = upcaster.upcast(payload);
  }
  const violations = violationsOf(contract.schema, payload);
  if (violations.length > 0)
    return { admitted: false, reason: describe(`invalid ${contract.id} payload`, violations) };
  return { admitted: true, payload };
}

function describe(what: string, violations: readonly SchemaViolation[]): string {
  return `${what}: ${violations.map((violation) => `${violation.field || '/'} ${violation.message}`).join('; ')}`;
}
