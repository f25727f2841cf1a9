import type { ServiceId } from '../../../contracts/index.js';
import type { Database, Sql } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { IdGenerator } from '../kernel/ids.js';
import { Signal } from '../kernel/signal.js';
import type { OutgoingMessage } from './bus.js';
import { MessageCollector, type MessageOrigin, type UnitOfWork } from './unit-of-work.js';

export interface UnitOfWorkOutcome<T> {
  readonly result: T;
  /** What the unit of work declared to hold now, for the messages parked until it does. */
  readonly resumed: readonly string[];
}

/**
 * A service's transactional outbox: state changes and the messages they cause commit in one
 * transaction; the relay publishes them afterwards.
 */
export class Outbox {
  /** Notified after commits that may have appended messages, so the relay publishes without polling delay. */
  readonly appended = new Signal();
  readonly #db: Database;
  readonly #schema: string;
  readonly #service: ServiceId;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #resumeListeners: ((awaited: readonly string[]) => void)[] = [];

  constructor(options: { db: Database; schema: string; service: ServiceId; clock: Clock; ids: IdGenerator }) {
    this.#db = options.db;
    this.#schema = options.schema;
    this.#service = options.service;
    this.#clock = options.clock;
    this.#ids = options.ids;
  }

  /** Runs `work` in a new transaction. */
  async run<T>(origin: MessageOrigin, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    const { result, resumed } = await this.#db.transaction((tx) => this.within(tx, origin, work));
    this.committed(resumed);
    return result;
  }

  /** Runs `work` inside a transaction the caller owns; the caller calls `committed` after the commit. */
  async within<T>(
    tx: Sql,
    origin: MessageOrigin,
    work: (uow: UnitOfWork) => Promise<T>,
  ): Promise<UnitOfWorkOutcome<T>> {
    const now = this.#clock.now();
    const collector = new MessageCollector(
      { service: this.#service, clock: this.#clock, ids: this.#ids },
      origin,
      now,
    );
    const resumed: string[] = [];
    const result = await work({
      sql: tx,
      now,
      origin,
      emit: (contract, payload, options) => collector.emit(contract, payload, options),
      resume: (awaited) => {
        resumed.push(awaited);
      },
    });
    await this.#append(tx, collector.messages);
    return { result, resumed };
  }

  /** Tells the relay there may be messages to publish, and the consumers which awaited facts now hold. */
  committed(resumed: readonly string[]): void {
    this.appended.notify();
    if (resumed.length > 0) for (const listener of this.#resumeListeners) listener(resumed);
  }

  onResumed(listener: (awaited: readonly string[]) => void): void {
    this.#resumeListeners.push(listener);
  }

  async #append(tx: Sql, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await tx.query(
      `insert into ${this.#schema}.outbox (id, channel, envelope)
       select id, channel, envelope::jsonb from unnest($1::text[], $2::text[], $3::text[]) as m (id, channel, envelope)`,
      [
        messages.map((m) => m.envelope.id),
        messages.map((m) => m.channel),
        messages.map((m) => JSON.stringify(m.envelope)),
      ],
    );
  }
}
