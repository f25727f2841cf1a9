import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { decodeEnvelope } from './envelope-bytes.js';
import type { Logger } from '../kernel/logger.js';
import { Signal } from '../kernel/signal.js';
import type { Delivery } from './bus.js';
import type { ConsumerPlan } from './jetstream-topology.js';

export interface JetStreamPullerOptions {
  readonly js: JetStreamClient;
  readonly plan: ConsumerPlan;
  /** Deliveries handed out and not yet settled by this process. */
  readonly maxInFlight: number;
  readonly handle: (delivery: Delivery) => Promise<void>;
  readonly logger: Logger;
  /** False while reconnecting: a request made then would only wait out its timeout. */
  readonly isAvailable: () => boolean;
  /** Runs after a failed pull, before the next one. */
  readonly recover: () => Promise<void>;
}

/** How long one pull request waits on the server for messages; new ones arrive at once regardless. */
const PULL_EXPIRES_MS = 5_000;
const MAX_PAUSE_MS = 5_000;
const UNAVAILABLE_PAUSE_MS = 100;
/** A delivery whose handler crashed the runner itself comes back after this long. */
const RUNNER_FAILURE_DELAY_MS = 1_000;

/** Of the capacity, the share that must be free before pulling again while deliveries are in flight. */
const REFILL_SHARE = 4;

/**
 * Pulls one durable consumer's messages in batches, never asking for more than the free capacity,
 * so that no message waits in this process while its ack wait runs. While deliveries are in flight
 * it waits until a quarter of the capacity is free: refilling each slot as it frees would cost a
 * pull request per message.
 */
export class JetStreamPuller {
  readonly #options: JetStreamPullerOptions;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #settled = new Signal();
  readonly #stopping = new AbortController();
  #batch: ConsumerMessages | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: JetStreamPullerOptions) {
    this.#options = options;
  }

  start(): void {
    this.#loop = this.#run();
  }

  /** Stops pulling and resolves once the deliveries in flight are settled. */
  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#settled.notify();
    await this.#batch?.close();
    await this.#loop;
    await Promise.allSettled(this.#inFlight);
  }

  /** Abandons the pull request in flight for a new one: after a reconnect the server may have forgotten it. */
  repull(): void {
    void this.#batch?.close();
  }

  #stopped(): boolean {
    return this.#stopping.signal.aborted;
  }

  async #run(): Promise<void> {
    const { js, plan, maxInFlight, logger } = this.#options;
    const smallestPull = Math.ceil(maxInFlight / REFILL_SHARE);
    let consumer: Consumer | undefined;
    let failures = 0;
    while (!this.#stopped()) {
      const capacity = maxInFlight - this.#inFlight.size;
      if (capacity < smallestPull && this.#inFlight.size > 0) {
        await this.#settled.wait(PULL_EXPIRES_MS);
        continue;
      }
      if (!this.#options.isAvailable()) {
        await this.#pause(UNAVAILABLE_PAUSE_MS);
        continue;
      }
      try {
        consumer ??= await js.consumers.get(plan.stream.name, plan.durable);
        this.#batch = await consumer.fetch({ max_messages: capacity, expires: PULL_EXPIRES_MS });
        for await (const message of this.#batch) this.#accept(message);
        failures = 0;
      } catch (error) {
        if (this.#stopped()) break;
        failures += 1;
        consumer = undefined;
        logger.warn(
          { err: error, stream: plan.stream.name, consumer: plan.durable, failures },
          'pulling from JetStream failed, retrying',
        );
        await this.#pause(Math.min(100 * 2 ** failures, MAX_PAUSE_MS));
        if (this.#options.isAvailable()) await this.#options.recover().catch(() => undefined);
      } finally {
        this.#batch = undefined;
      }
    }
  }

  #accept(message: JsMsg): void {
    if (this.#stopped()) {
      // Pulled while stopping: give it straight back to the other replicas.
      message.nak();
      return;
    }
    const delivery = deliveryOf(message);
    const handled = this.#options
      .handle(delivery)
      .catch(() => delivery.nak(RUNNER_FAILURE_DELAY_MS))
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight.delete(handled);
        this.#settled.notify();
      });
    this.#inFlight.add(handled);
  }

  async #pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
  }
}

function deliveryOf(message: JsMsg): Delivery {
  let settled = false;
  const settleOnce = async (settle: () => void) => {
    if (settled) return;
    settled = true;
    settle();
  };
  return {
    envelope: decodeEnvelope(message.string(), `${message.info.stream}:${message.seq}`),
    body: message.data,
    deliveryCount: message.info.deliveryCount,
    // Not waiting for the server to confirm: a lost ack means one redelivery, which the inbox absorbs.
    ack: () =>
      settleOnce(() => {
        message.ack();
      }),
    nak: (delayMs) =>
      settleOnce(() => {
        message.nak(delayMs);
      }),
    // Without a reason: nats-server 2.9 treats `+TERM <reason>` as no ack at all and redelivers.
    term: () =>
      settleOnce(() => {
        message.term();
      }),
  };
}
