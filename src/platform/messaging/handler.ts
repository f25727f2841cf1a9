import type { Envelope, MessageContract, PayloadOf } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';
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

interface HandlerIdentity<C extends MessageContract> {
  /** Stable name: part of the durable consumer name and of the inbox key. Renaming it replays history. */
  readonly name: string;
  readonly contract: C;
  readonly upcasters?: readonly Upcaster<C>[];
}

/** Handles one message at a time, in its unit of work. */
export interface SingleMessageHandler<
  C extends MessageContract = MessageContract,
> extends HandlerIdentity<C> {
  handle(message: IncomingMessage<C>, uow: UnitOfWork): Promise<void>;
}

/** A message of a batch with the unit of work its emissions and resumptions belong to. */
export interface BatchItem<C extends MessageContract = MessageContract> {
  readonly message: IncomingMessage<C>;
  readonly uow: UnitOfWork;
}

/**
 * Handles the messages that arrived together in one transaction, with set-based statements: one
 * per table per batch, not one per message. It locks rows in one global order (tables in a fixed
 * order, keys sorted), so batches running at once on a pool cannot deadlock. A batch of one is how
 * a message that failed in its batch is tried again alone.
 */
export interface BatchMessageHandler<C extends MessageContract = MessageContract> extends HandlerIdentity<C> {
  handleBatch(items: readonly BatchItem<C>[], sql: Sql): Promise<void>;
}

export type MessageHandler<C extends MessageContract = MessageContract> =
  SingleMessageHandler<C> | BatchMessageHandler<C>;

/**
 * Sees every message of its channels, whatever its version; used for audit trails and timelines. A
 * message that a handler of its service takes is recorded in that handler's transaction; only the
 * other channels get a bus consumer of the observer's own, so the bus delivers no message twice.
 */
export interface MessageObserver {
  readonly name: string;
  readonly channels: readonly string[];
  /**
   * Records the messages that arrived together, in one statement per table, locking rows in key
   * order as batch handlers do: it runs in their transactions, and batches run at once on a pool.
   * On its own consumer it keeps no inbox: a message delivered again is recorded again, and must
   * change nothing the second time (the timeline keys what it holds by message id).
   */
  record(envelopes: readonly Envelope[], uow: UnitOfWork): Promise<void>;
}

/** Checks a handler against its contract's payload type, then widens it for the runner's list. */
export const defineHandler = <C extends MessageContract>(handler: MessageHandler<C>): MessageHandler =>
  handler;
