import type { Envelope } from '../../../contracts/index.js';
import type { Database, Sql } from '../db/database.js';

/** A message on its way to the bus: the envelope and the channel (subject) it travels on. */
export interface OutgoingMessage {
  readonly channel: string;
  readonly envelope: Envelope;
}

/**
 * One delivery of a message to a durable consumer. The consumer settles it exactly once:
 * `ack` after its effects committed, `nak` to have it redelivered after a delay, `term` to drop it
 * for good (after recording it as a dead letter).
 */
export interface Delivery {
  readonly envelope: Envelope;
  /** The message's bytes as they arrived: what a dead letter keeps, whatever they hold. */
  readonly body: Uint8Array;
  /** 1 on the first delivery; grows with every redelivery, including those after a crash. */
  readonly deliveryCount: number;
  ack(): Promise<void>;
  nak(delayMs: number): Promise<void>;
  term(): Promise<void>;
}

export interface SubscriptionOptions {
  /** Durable consumer name, shared by every replica of the service: they split the work. */
  readonly consumer: string;
  readonly channels: readonly string[];
  /** Deliveries handed out and not yet settled, per process. */
  readonly maxInFlight: number;
  /** An unsettled delivery is redelivered after this long. */
  readonly ackWaitMs: number;
  readonly handle: (delivery: Delivery) => Promise<void>;
}

export interface Subscription {
  /** Stops pulling and resolves once the deliveries in flight are settled. */
  stop(): Promise<void>;
}

/** Where a durable consumer stands. */
export interface ConsumerStats {
  /** Stored for the consumer and not delivered yet: its lag. */
  readonly waiting: number;
  /** Delivered and not settled yet. */
  readonly inFlight: number;
  /** Of those in flight, delivered more than once. */
  readonly redelivered: number;
}

/**
 * The transport port. At-least-once: a published message reaches every durable consumer of its
 * channel at least once; publishing the same envelope id twice within the de-duplication window
 * stores it once.
 */
export interface MessageBus {
  /** `messaging.system` of the spans about its messages. */
  readonly system: string;
  /**
   * Stores the messages, those about one aggregate (envelope `subject`) in the order given. When it
   * rejects, any part of the list may have been stored: publishing it again is safe.
   */
  publish(messages: readonly OutgoingMessage[]): Promise<void>;
  subscribe(options: SubscriptionOptions): Promise<Subscription>;
  /** Messages stored for a consumer and not yet acknowledged. */
  pendingCount(consumer: string): Promise<number>;
  consumerStats(consumer: string): Promise<ConsumerStats>;
  /** Resolves when the broker answers; readiness checks call it. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Present when the bus keeps its log in a database: services on that database publish in their own transactions. */
  readonly inDatabase?: DatabaseBus;
}

/**
 * A bus that stores its log in a database. A service writing to the same database stores its
 * messages in the transaction that causes them, which is what an outbox and its relay achieve
 * for any other bus, without the second write and the hop.
 */
export interface DatabaseBus {
  /** True when `db` is the database the log is kept in. */
  holds(db: Database): boolean;
  /**
   * Stores the messages in the caller's transaction on that database; same rules as `publish`.
   * The announcement it returns is to be made once the transaction committed, and dropped if it
   * rolled back.
   */
  publishWithin(tx: Sql, messages: readonly OutgoingMessage[]): Promise<Announcement>;
}

/** Tells the consumers of what a committed transaction stored on a database bus that it is there. */
export type Announcement = () => void;
