import type { Database, Sql } from '../../../platform/db/database.js';
import { countOrdersInProgress } from '../infrastructure/order-repository.js';

/**
 * The most orders in progress (placed, and not yet completed, rejected or cancelled) that placements
 * over HTTP may bring about. A new order is counted against it in its placement's transaction.
 *
 * On PGlite, one process places every order, one transaction at a time, and orders only ever leave
 * progress elsewhere; so a count plus the orders taken since is an upper bound, and the orders are
 * counted again only when that upper bound reaches the bound. On PostgreSQL other replicas place
 * orders too: every new order counts.
 */
export class InProgressBound {
  readonly #max: number;
  readonly #countEveryTime: boolean;
  #upperBound: number | undefined;

  constructor(max: number, dialect: Database['dialect']) {
    this.#max = max;
    this.#countEveryTime = dialect !== 'pglite';
  }

  /** Whether one more order may be taken, in the transaction that would take it; if so, it counts. */
  async admits(sql: Sql): Promise<boolean> {
    if (this.#countEveryTime || this.#upperBound === undefined || this.#upperBound >= this.#max) {
      this.#upperBound = await countOrdersInProgress(sql, this.#max);
      if (this.#upperBound >= this.#max) return false;
    }
    this.taken();
    return true;
  }

  /** An order taken whatever the count, as `PlaceOrder` from the bus is: it counts all the same. */
  taken(): void {
    if (this.#upperBound !== undefined) this.#upperBound += 1;
  }
}
