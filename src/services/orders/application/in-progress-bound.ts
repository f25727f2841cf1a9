import { Counter, type Registry } from 'prom-client';
import type { Database, Sql } from '../../../platform/db/database.js';
import { countOrdersInProgress } from '../infrastructure/order-repository.js';

/**
 * The most orders in progress (placed, and not yet completed, rejected or cancelled) that placements
 * over HTTP may bring about. A new order is counted against it in its placement's transaction.
 *
 * On PGlite, the one host on the database places every order through this bound, one transaction at a
 * time, and orders only ever leave progress elsewhere; so a count plus the orders taken since is an
 * upper bound, and the orders are counted again only when that upper bound reaches the bound. Once a
 * transaction found the bound reached, its later placements are refused without counting again: only
 * its own could have changed the count. On PostgreSQL other replicas place orders too: every new order
 * counts.
 */
export class InProgressBound {
  readonly #max: number;
  readonly #db: Pick<Database, 'dialect'>;
  readonly #refusals: Counter;
  #upperBound: number | undefined;
  #foundFullIn: Sql | undefined;

  constructor(max: number, db: Pick<Database, 'dialect'>, registry: Registry) {
    this.#max = max;
    this.#db = db;
    this.#refusals = new Counter({
      name: 'orders_placements_refused_total',
      help: 'New orders refused because as many were in progress as ORDERS_MAX_IN_PROGRESS allows.',
      registers: [registry],
    });
  }

  /** Whether one more order may be taken, in the transaction that would take it; if so, it counts. */
  async admits(tx: Sql): Promise<boolean> {
    const room = await this.#roomFor(tx);
    if (room) this.taken();
    else this.#refusals.inc();
    return room;
  }

  /** An order taken whatever the count, as `PlaceOrder` from the bus is: it counts all the same. */
  taken(): void {
    if (this.#upperBound !== undefined) this.#upperBound += 1;
  }

  async #roomFor(tx: Sql): Promise<boolean> {
    if (this.#db.dialect !== 'pglite') return (await countOrdersInProgress(tx, this.#max)) < this.#max;
    if (tx === this.#foundFullIn) return false;
    if (this.#upperBound === undefined || this.#upperBound >= this.#max) {
      this.#upperBound = await countOrdersInProgress(tx, this.#max);
      if (this.#upperBound >= this.#max) {
        this.#foundFullIn = tx;
        return false;
      }
    }
    return true;
  }
}
