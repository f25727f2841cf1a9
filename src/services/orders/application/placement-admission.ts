import { performance } from 'node:perf_hooks';
import { Counter, type Registry } from 'prom-client';
import type { Database } from '../../../platform/db/database.js';
import { AppError } from '../../../platform/kernel/errors.js';
import { countOrdersInProgress, orderExists } from '../infrastructure/order-repository.js';

/** How long a count of the orders in progress stands before it is taken again. */
const COUNT_FRESH_MS = 100;

/**
 * Bounds the orders in progress, so that a system placed faster than it completes refuses new orders
 * rather than piling them up: each waits longer the more are ahead of it. The count comes from the
 * database at most every `COUNT_FRESH_MS` while placements come, and each placement let through in
 * between counts as one more. Replicas count apart, so together they may overshoot the bound by what
 * they let through in one such window.
 */
export class PlacementAdmission {
  readonly #db: Database;
  readonly #maxInProgress: number;
  readonly #refused: Counter;
  #inProgress = 0;
  #countedAt = -Infinity;
  #counting: Promise<void> | undefined;

  constructor(db: Database, maxInProgress: number, registry: Registry) {
    this.#db = db;
    this.#maxInProgress = maxInProgress;
    this.#refused = new Counter({
      name: 'orders_placements_refused_total',
      help: 'New orders refused because as many were in progress as ORDERS_MAX_IN_PROGRESS allows.',
      registers: [registry],
    });
  }

  /** Lets a placement through, or refuses it with a 503. A retry of an order placed before always gets through. */
  async admit(orderId: string): Promise<void> {
    await this.#recount();
    if (this.#inProgress < this.#maxInProgress) {
      this.#inProgress += 1;
      return;
    }
    if (await orderExists(this.#db, orderId)) return;
    this.#refused.inc();
    throw new AppError(
      'unavailable',
      'ORDERS.TOO_MANY_IN_PROGRESS',
      `${this.#inProgress} orders are in progress, as many as are taken at once; retry after the delay given`,
    );
  }

  async #recount(): Promise<void> {
    if (performance.now() - this.#countedAt < COUNT_FRESH_MS) return;
    this.#counting ??= countOrdersInProgress(this.#db)
      .then((count) => {
        this.#inProgress = count;
        this.#countedAt = performance.now();
      })
      .finally(() => {
        this.#counting = undefined;
      });
    await this.#counting;
  }
}
