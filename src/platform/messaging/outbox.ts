import type { ServiceId } from '../../../contracts/index.js';
import type { Database, Sql } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { IdGenerator } from '../kernel/ids.js';
import { Bell } from '../kernel/bell.js';
import type { Announcement, DatabaseBus, OutgoingMessage } from './bus.js';
import { MessageCollector, type MessageOrigin, type UnitOfWork } from './unit-of-work.js';

export interface UnitOfWorkOutcome<T> {
  readonly result: T;
  /** What the unit of work declared to hold now, for the messages parked until it does. */
  readonly resumed: readonly string[];
  /**
   * What to announce after the commit: the messages it appended, to the relay, or those it published
   * directly on a bus kept in the same database, to their consumers.
   */
  readonly announcements: readonly Announcement[];
}

/**
 * A service's transactional outbox: state changes and the messages they cause commit in one
 * transaction. The messages go to the service's outbox table, which the relay publishes
 * afterwards — or, when the bus keeps its log in the service's own database, straight into it.
 */
export class Outbox {
  /** Rung after each commit that appended messages, so the relay publishes without polling delay. */
  readonly appended = new Bell();
  readonly #db: Database;
  readonly #schema: string;
  readonly #service: ServiceId;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #resumeListeners: ((awaited: readonly string[]) => void)[] = [];
  readonly #bus: DatabaseBus | undefined;
  readonly #messagingSystem: string | undefined;

  constructor(options: {
    db: Database;
    schema: string;
    service: ServiceId;
    clock: Clock;
    ids: IdGenerator;
    /** A bus that keeps its log in `db`: messages are published in the service's transaction. */
    bus?: DatabaseBus | undefined;
    /** The bus the relay (or `bus`) publishes to, named for the messaging spans. */
    messagingSystem?: string;
  }) {
    this.#messagingSystem = options.messagingSystem;
    this.#db = options.db;
    this.#bus = options.bus;
    this.#schema = options.schema;
    this.#service = options.service;
    this.#clock = options.clock;
    this.#ids = options.ids;
  }

  /** Runs `work` in a new transaction. */
  run<T>(origin: MessageOrigin, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return this.runEach([origin], ([uow]) => work(uow as UnitOfWork));
  }

  /** Runs `work` in a new transaction, with one unit of work per origin (see `withinEach`). */
  async runEach<T>(
    origins: readonly MessageOrigin[],
    work: (uows: readonly UnitOfWork[]) => Promise<T>,
  ): Promise<T> {
    const outcome = await this.#db.transaction((tx) => this.withinEach(tx, origins, work));
    this.committed([outcome]);
    return outcome.result;
  }

  /** False when messages skip the table for the bus in the same database: then there is nothing to relay. */
  get relayed(): boolean {
    return this.#bus === undefined;
  }

  /** Runs `work` inside a transaction the caller owns; the caller calls `committed` after the commit. */
  within<T>(
    tx: Sql,
    origin: MessageOrigin,
    work: (uow: UnitOfWork) => Promise<T>,
  ): Promise<UnitOfWorkOutcome<T>> {
    return this.withinEach(tx, [origin], ([uow]) => work(uow as UnitOfWork));
  }

  /**
   * Runs `work` with one unit of work per origin, all in the caller's transaction: each emits with
   * its own origin, and what they all emit is written in one statement.
   */
  async withinEach<T>(
    tx: Sql,
    origins: readonly MessageOrigin[],
    work: (uows: readonly UnitOfWork[]) => Promise<T>,
  ): Promise<UnitOfWorkOutcome<T>> {
    const now = this.#clock.now();
    const resumed: string[] = [];
    const deps = {
      service: this.#service,
      clock: this.#clock,
      ids: this.#ids,
      messagingSystem: this.#messagingSystem,
    };
    const collectors = origins.map((origin) => new MessageCollector(deps, origin, now));
    const result = await work(
      origins.map((origin, index) => ({
        sql: tx,
        now,
        origin,
        emit: (contract, payload, options) =>
          (collectors[index] as MessageCollector).emit(contract, payload, options),
        resume: (awaited) => {
          resumed.push(awaited);
        },
      })),
    );
    const messages = collectors.flatMap((collector) => collector.messages);
    if (messages.length === 0) return { result, resumed, announcements: [] };
    if (!this.#bus) {
      await this.#append(tx, messages);
      return { result, resumed, announcements: [this.#wakeRelay] };
    }
    return { result, resumed, announcements: [await this.#bus.publishWithin(tx, messages)] };
  }

  /**
   * After the commit of units of work: wakes the relay for the messages they appended, or the bus's
   * consumers for those that went straight to it, and the parked messages awaiting what they
   * declared to hold. A commit that emitted nothing wakes no one.
   */
  committed(outcomes: readonly UnitOfWorkOutcome<unknown>[]): void {
    for (const outcome of outcomes) for (const announce of outcome.announcements) announce();
    const resumed = outcomes.flatMap((outcome) => outcome.resumed);
    if (resumed.length > 0) for (const listener of this.#resumeListeners) listener(resumed);
  }

  onResumed(listener: (awaited: readonly string[]) => void): void {
    this.#resumeListeners.push(listener);
  }

  readonly #wakeRelay: Announcement = () => {
    this.appended.ring();
  };

  async #append(tx: Sql, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await tx.query(
      `insert into ${this.#schema}.outbox (id, channel, envelope)
       select id, channel, envelope::json from unnest($1::text[], $2::text[], $3::text[]) as m (id, channel, envelope)`,
      [
        messages.map((m) => m.envelope.id),
        messages.map((m) => m.channel),
        messages.map((m) => JSON.stringify(m.envelope)),
      ],
    );
  }
}
