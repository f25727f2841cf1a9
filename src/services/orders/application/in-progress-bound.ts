import { Counter, type Registry } from 'prom-client';
import type { Database, Sql } from '../../../platform/db/database.js';
import { countOrdersInProgress } from '../infrastructure/order-repository.js';

/**
 * The most orders in progress (placed, and not yet completed, rejected or cancelled) that placements
 * over HTTP may bring about. New orders are counted against it in their placement's transaction.
 *
 * On PGlite, the one host on the database places every order through this bound, one transaction at a
 * time, and orders only ever leave progress elsewhere; so a count plus the orders taken since is an
 * upper bound, and the orders are counted again only when that upper bound would pass the bound. On
 * PostgreSQL other replicas place orders too: every placement counts.
 */
export class InProgressBound {
  readonly #max: number;
  readonly #db: Pick<Database, 'dialect'>;
  readonly #refusals: Counter;
  #upperBound: number | undefined;

  constructor(max: number, db: Pick<Database, 'dialect'>, registry: Registry) {
    this.#max = max;
    this.#db = db;
    this.#refusals = new Counter({
      name: 'orders_placements_refused_total',
      help: 'New orders refused because as many were in progress as ORDERS_MAX_IN_PROGRESS allows.',
      registers: [registry],
    });
  }

  /**
   * How many of `wanted` new orders may be taken, in the transaction that would take them: those
   * count as taken, the others as refused.
   */
  async admits(tx: Sql, wanted: number): Promise<number> {
    if (wanted === 0) return 0;
    const admitted = Math.min(wanted, Math.max(0, this.#max - (await this.#inProgress(tx, wanted))));
    this.taken(admitted);
    this.#refusals.inc(wanted - admitted);
    return admitted;
  }

  /** Orders taken whatever the count, as `PlaceOrder` from the bus is: they count all the same. */
  taken(count: number): void {
    if (this.#upperBound !== undefined) this.#upperBound += count;
  }

  async #inProgress(tx: Sql, wanted: number): Promise<number> {
    if (this.#db.dialect !== 'pglite') return countOrdersInProgress(tx, this.#max);
    if (this.#upperBound === undefined || this.#upperBound + wanted > this.#max)
      this.#upperBound = await countOrdersInProgress(tx, this.#max);
    return this.#upperBound;
  }
}
