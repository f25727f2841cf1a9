import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import {
  connect,
  credsAuthenticator,
  headers,
  nkeyAuthenticator,
  nanos,
  type NatsConnection,
  type Subscription as NatsSubscription,
} from '@nats-io/transport-node';
import { contracts, type Envelope } from '../../../contracts/index.js';
import type { Logger } from '../kernel/logger.js';
import type { ConsumerStats, MessageBus, OutgoingMessage, Subscription, SubscriptionOptions } from './bus.js';
import { JetStreamTopology, type ConsumerPlan, type StreamPlan } from './jetstream-topology.js';
import { decodeEnvelope } from './envelope-bytes.js';
import { JetStreamPuller } from './jetstream-puller.js';

export interface JetStreamBusOptions {
  /** Comma-separated server URLs. */
  readonly servers: string;
  readonly user?: string | undefined;
  readonly pass?: string | undefined;
  /** A NATS credentials file (JWT + nkey seed). */
  readonly credsFile?: string | undefined;
  /** A file holding the nkey seed of this identity's user (written by `npm run nats-config`). */
  readonly nkeySeedFile?: string | undefined;
  /** Where replies to this connection's requests arrive; its NATS permissions may allow no other. */
  readonly inboxPrefix?: string | undefined;
  readonly namespace: string;
  readonly streamReplicas: number;
  readonly streamMaxAgeMs: number;
  readonly duplicateWindowMs: number;
  /**
   * JetStream stops redelivering a message after this many unsettled deliveries. A backstop set
   * above the consumer runner's own limit, which dead-letters first when a handler keeps failing.
   */
  readonly maxDeliver: number;
  /** Shown in the server's connection list. */
  readonly connectionName: string;
  readonly logger: Logger;
  /**
   * Told about a message JetStream gave up on after `maxDeliver` deliveries none of which was
   * settled (the process crashed or overran the ack wait each time), to record it as a dead letter.
   */
  readonly onExhausted?: (
    consumer: string,
    envelope: Envelope,
    deliveries: number,
    body: Uint8Array,
  ) => Promise<void>;
}

/** CloudEvents' structured mode: the whole envelope is the message body. */
const CONTENT_TYPE = 'application/cloudevents+json; charset=utf-8';
/** Answered by nats-server ≥ 2.10 when a durable exists with another configuration (2.9 updates it in place). */
const CONSUMER_EXISTS = 10148;
const STREAM_NAME_IN_USE = 10058;
const STREAM_NOT_FOUND = 10059;
const API_TIMEOUT_MS = 3_000;
const PROBE_TIMEOUT_MS = 250;

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

/**
 * The distributed runtime's bus on NATS JetStream: a stream per bounded context, a durable pull
 * consumer per bus consumer shared by every replica of its service, the envelope id as the
 * `Nats-Msg-Id` de-duplication key, explicit acks, nak with delay and term.
 */
export class JetStreamBus implements MessageBus {
  readonly system = 'nats';
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #options: JetStreamBusOptions;
  readonly #topology: JetStreamTopology;
  readonly #plans = new Map<string, readonly ConsumerPlan[]>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #pullers = new Set<JetStreamPuller>();
  /** Connected, and JetStream answers: requests made otherwise tend to go unanswered until they time out. */
  #available = true;

  private constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    options: JetStreamBusOptions,
    topology: JetStreamTopology,
  ) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc, { timeout: API_TIMEOUT_MS });
    this.#options = options;
    this.#topology = topology;
    void this.#watchConnection();
  }

  /** Connects and creates or updates the streams of every bounded context; safe to run from every replica. */
  static async connect(options: JetStreamBusOptions): Promise<JetStreamBus> {
    const nc = await connect({
      servers: options.servers.split(',').map((server) => server.trim()),
      name: options.connectionName,
      ...(options.user ? { user: options.user, pass: options.pass ?? '' } : {}),
      ...(options.credsFile ? { authenticator: credsAuthenticator(await readFile(options.credsFile)) } : {}),
      ...(options.nkeySeedFile
        ? {
            authenticator: nkeyAuthenticator(
              new TextEncoder().encode((await readFile(options.nkeySeedFile, 'utf8')).trim()),
            ),
          }
        : {}),
      ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: API_TIMEOUT_MS });
      const topology = new JetStreamTopology(
        options.namespace,
        contracts.map((contract) => contract.channel),
      );
      const bus = new JetStreamBus(nc, jsm, options, topology);
      for (const stream of topology.streams) await bus.#ensureStream(stream);
      return bus;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  get streams(): readonly StreamPlan[] {
    return this.#topology.streams;
  }

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    // A request buffered during a reconnect tends to lose its reply and time out: fail at once
    // instead, and let the outbox relay try again.
    if (!this.#available) throw new Error('NATS JetStream is not available yet, reconnecting');
    // Each aggregate's messages go one after the other, each waiting for the server's ack, so a
    // failure can never let a later one overtake an earlier one; aggregates go side by side.
    const byAggregate = new Map<string, OutgoingMessage[]>();
    for (const message of messages) {
      const key = message.envelope.subject;
      byAggregate.set(key, [...(byAggregate.get(key) ?? []), message]);
    }
    const outcomes = await Promise.allSettled(
      [...byAggregate.values()].map(async (sequence) => {
        for (const message of sequence) await this.#publishOne(message);
      }),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    const plans = this.#topology.consumersFor(options.consumer, options.channels);
    for (const plan of plans) await this.#ensureConsumer(plan, options.ackWaitMs);
    this.#plans.set(options.consumer, plans);
    const advisories = this.#options.onExhausted
      ? plans.map((plan) => this.#watchExhaustion(options.consumer, plan))
      : [];
    const pullers = plans.map(
      (plan) =>
        new JetStreamPuller({
          js: this.#js,
          plan,
          maxInFlight: options.maxInFlight,
          handle: options.handle,
          logger: this.#options.logger,
          isAvailable: () => this.#available,
          recover: () => this.#recover(plan, options.ackWaitMs),
        }),
    );
    for (const puller of pullers) {
      this.#pullers.add(puller);
      puller.start();
    }
    const subscription: Subscription = {
      stop: async () => {
        this.#subscriptions.delete(subscription);
        for (const advisory of advisories) advisory.unsubscribe();
        await Promise.all(
          pullers.map((puller) => {
            this.#pullers.delete(puller);
            return puller.stop();
          }),
        );
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async pendingCount(consumer: string): Promise<number> {
    const stats = await this.consumerStats(consumer);
    return stats.waiting + stats.inFlight;
  }

  async consumerStats(consumer: string): Promise<ConsumerStats> {
    const plans = this.#plans.get(consumer);
    if (!plans) throw new Error(`No consumer ${consumer} is subscribed through this bus`);
    const infos = await Promise.all(
      plans.map((plan) => this.#jsm.consumers.info(plan.stream.name, plan.durable)),
    );
    return infos.reduce(
      (sum, info) => ({
        waiting: sum.waiting + info.num_pending,
        inFlight: sum.inFlight + info.num_ack_pending,
        redelivered: sum.redelivered + info.num_redelivered,
      }),
      { waiting: 0, inFlight: 0, redelivered: 0 },
    );
  }

  async ping(): Promise<void> {
    if (!this.#available) throw new Error('NATS JetStream is not available yet, reconnecting');
    await this.#jsm.getAccountInfo();
  }

  /** Stops pulling, lets handlers in flight settle, then flushes the acks and closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    if (!this.#nc.isClosed()) await this.#nc.drain();
  }

  async #publishOne({ channel, envelope }: OutgoingMessage): Promise<void> {
    const header = headers();
    header.set('Content-Type', CONTENT_TYPE);
    await this.#js.publish(this.#topology.subjectOf(channel), JSON.stringify(envelope), {
      msgID: envelope.id,
      headers: header,
    });
  }

  async #ensureStream(plan: StreamPlan): Promise<void> {
    const { streamReplicas, streamMaxAgeMs, duplicateWindowMs } = this.#options;
    const config: Partial<StreamConfig> & Pick<StreamConfig, 'name'> = {
      name: plan.name,
      description: `Messages of the ${plan.context} bounded context`,
      subjects: [...plan.subjects],
      // Limits, not interest or work-queue: several services consume one subject, and a consumer
      // created after a message was stored (a replica starting late) must still receive it.
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      storage: StorageType.File,
      num_replicas: streamReplicas,
      max_age: nanos(streamMaxAgeMs),
      duplicate_window: nanos(duplicateWindowMs),
    };
    // Read first: a service whose NATS user may not create or update streams starts on streams a
    // provisioner set up, and only a stream that is missing or differs needs those rights.
    const existing = await this.#jsm.streams.info(plan.name).catch((error: unknown) => {
      if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) return undefined;
      throw error;
    });
    if (!existing) {
      try {
        await this.#jsm.streams.add(config);
        return;
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      }
    } else if (!differs(existing.config, config)) {
      return;
    }
    await this.#jsm.streams.update(plan.name, config);
  }

  async #ensureConsumer(plan: ConsumerPlan, ackWaitMs: number): Promise<void> {
    const config: Partial<ConsumerConfig> = {
      durable_name: plan.durable,
      filter_subject: plan.filterSubject,
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(ackWaitMs),
      max_deliver: this.#options.maxDeliver,
      deliver_policy: DeliverPolicy.All,
    };
    try {
      await this.#jsm.consumers.add(plan.stream.name, config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === CONSUMER_EXISTS)) throw error;
      await this.#jsm.consumers.update(plan.stream.name, plan.durable, {
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
      });
    }
  }

  /** After a failed pull: the server may have restarted without its state, so set everything up again. */
  async #recover(plan: ConsumerPlan, ackWaitMs: number): Promise<void> {
    await this.#ensureStream(plan.stream);
    await this.#ensureConsumer(plan, ackWaitMs);
  }

  /** Advisories are core NATS messages: a queue group hands each one to a single replica. */
  #watchExhaustion(consumer: string, plan: ConsumerPlan): NatsSubscription {
    const onExhausted = this.#options.onExhausted;
    return this.#nc.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${plan.stream.name}.${plan.durable}`,
      {
        queue: plan.durable,
        callback: (error, message) => {
          if (error || !onExhausted) return;
          const advisory = message.json<MaxDeliveriesAdvisory>();
          void this.#jsm.streams
            .getMessage(advisory.stream, { seq: advisory.stream_seq })
            .then(async (stored) => {
              if (!stored) return;
              const envelope = decodeEnvelope(stored.string(), `${advisory.stream}:${advisory.stream_seq}`);
              await onExhausted(consumer, envelope, advisory.deliveries, stored.data);
            })
            .catch((failure: unknown) => {
              this.#options.logger.error(
                { err: failure, consumer, streamSequence: advisory.stream_seq },
                'could not record a message JetStream stopped delivering',
              );
            });
        },
      },
    );
  }

  async #watchConnection(): Promise<void> {
    const { logger } = this.#options;
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') {
        this.#available = false;
        logger.warn({ server: status.server }, 'disconnected from NATS');
      } else if (status.type === 'reconnect') {
        await this.#untilJetStreamAnswers();
        this.#available = true;
        logger.info({ server: status.server }, 'reconnected to NATS');
        for (const puller of this.#pullers) puller.repull();
      }
    }
  }

  /** After a reconnect JetStream may not answer at once (a cluster may still be electing its leaders). */
  async #untilJetStreamAnswers(): Promise<void> {
    const probe = await jetstreamManager(this.#nc, { timeout: PROBE_TIMEOUT_MS, checkAPI: false });
    while (!this.#nc.isClosed()) {
      try {
        await probe.getAccountInfo();
        return;
      } catch {
        await sleep(PROBE_TIMEOUT_MS);
      }
    }
  }
}

/** Whether a stream's configuration lacks any of the settings `wanted` makes. */
function differs(actual: StreamConfig, wanted: Partial<StreamConfig>): boolean {
  return Object.entries(wanted).some(
    ([key, value]) => JSON.stringify(actual[key as keyof StreamConfig]) !== JSON.stringify(value),
  );
}
