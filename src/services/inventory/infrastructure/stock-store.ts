import type { Sql } from '../../../platform/db/database.js';
import type { OrderAllocation, StockLevel } from '../domain/index.js';
import {
  ConcurrentChange,
  appendMovements,
  lockOrderAllocation,
  lockStockOf,
  saveOrderAllocation,
  updateStockLevels,
  type Movement,
} from './stock-repository.js';

/** Where inventory's order steps read and write allocations, stock levels and movements. */
export interface StockStore {
  lockOrderAllocation(orderId: string): Promise<OrderAllocation | undefined>;
  lockStockOf(productIds: readonly string[]): Promise<StockLevel[]>;
  /** Creates the row when `existing` is undefined (the lock found none), rewrites it otherwise. */
  saveOrderAllocation(allocation: OrderAllocation, existing: OrderAllocation | undefined): Promise<void>;
  updateStockLevels(levels: readonly StockLevel[]): Promise<void>;
  appendMovements(movements: readonly Movement[]): Promise<void>;
}

/** Each call is a statement in the transaction, for steps that handle one order. */
export const directStore = (sql: Sql, now: Date): StockStore => ({
  lockOrderAllocation: (orderId) => lockOrderAllocation(sql, orderId),
  lockStockOf: (productIds) => lockStockOf(sql, productIds),
  saveOrderAllocation: (allocation, existing) => saveOrderAllocation(sql, allocation, existing, now),
  updateStockLevels: (levels) => updateStockLevels(sql, levels, now),
  appendMovements: (movements) => appendMovements(sql, movements),
});

const levelKey = (level: { productId: string; warehouseId: string }) =>
  `${level.productId}/${level.warehouseId}`;

/**
 * The rows a batch of order steps touches, locked up front, allocations before stock and each by
 * sorted key — one global order, so batches running at once on a pool cannot deadlock. The steps
 * read and write it in memory, one after the other, each seeing the changes of those before it;
 * `flush` writes it all back, one statement per table.
 */
export class BatchStockStore implements StockStore {
  readonly #allocations: Map<string, OrderAllocation>;
  readonly #levels: Map<string, StockLevel>;
  readonly #created = new Set<string>();
  readonly #rewritten = new Set<string>();
  readonly #changedLevels = new Set<string>();
  readonly #movements: Movement[] = [];

  private constructor(allocations: readonly OrderAllocation[], levels: readonly StockLevel[]) {
    this.#allocations = new Map(allocations.map((allocation) => [allocation.orderId, allocation]));
    this.#levels = new Map(levels.map((level) => [levelKey(level), level]));
  }

  /** Locks the orders' allocations, then the stock of the products `productsOf` names given them. */
  static async lock(
    sql: Sql,
    orderIds: readonly string[],
    productsOf: (allocations: readonly OrderAllocation[]) => readonly string[],
  ): Promise<BatchStockStore> {
    const allocations = await sql.query<OrderAllocation>(
      `select order_id as "orderId", reservation_id as "reservationId", state, allocations
       from inventory.order_allocations where order_id = any ($1::uuid[])
       order by order_id
       for update`,
      [[...new Set(orderIds)]],
    );
    return new BatchStockStore(allocations, await lockStockOf(sql, productsOf(allocations)));
  }

  lockOrderAllocation(orderId: string): Promise<OrderAllocation | undefined> {
    return Promise.resolve(this.#allocations.get(orderId));
  }

  lockStockOf(productIds: readonly string[]): Promise<StockLevel[]> {
    const wanted = new Set(productIds);
    return Promise.resolve(
      [...this.#levels.values()]
        .filter((level) => wanted.has(level.productId))
        .sort((a, b) => levelKey(a).localeCompare(levelKey(b))),
    );
  }

  saveOrderAllocation(allocation: OrderAllocation, existing: OrderAllocation | undefined): Promise<void> {
    if (existing === undefined) this.#created.add(allocation.orderId);
    else if (!this.#created.has(allocation.orderId)) this.#rewritten.add(allocation.orderId);
    this.#allocations.set(allocation.orderId, allocation);
    return Promise.resolve();
  }

  updateStockLevels(levels: readonly StockLevel[]): Promise<void> {
    for (const level of levels) {
      const key = levelKey(level);
      if (!this.#levels.has(key)) throw new Error(`Stock level ${key} was not locked by the batch`);
      this.#levels.set(key, level);
      this.#changedLevels.add(key);
    }
    return Promise.resolve();
  }

  appendMovements(movements: readonly Movement[]): Promise<void> {
    this.#movements.push(...movements);
    return Promise.resolve();
  }

  async flush(sql: Sql, now: Date): Promise<void> {
    const pick = (keys: ReadonlySet<string>) =>
      [...keys].sort().map((orderId) => this.#allocations.get(orderId) as OrderAllocation);
    const columns = (allocations: readonly OrderAllocation[]) => [
      allocations.map((allocation) => allocation.orderId),
      allocations.map((allocation) => allocation.reservationId),
      allocations.map((allocation) => allocation.state),
      allocations.map((allocation) => JSON.stringify(allocation.allocations)),
      now.toISOString(),
    ];
    const created = pick(this.#created);
    if (created.length > 0) {
      const inserted = await sql.query(
        `insert into inventory.order_allocations (order_id, reservation_id, state, allocations, updated_at)
         select a.order_id, a.reservation_id, a.state, a.allocations::jsonb, $5
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as a (order_id, reservation_id, state, allocations)
         order by a.order_id
         on conflict (order_id) do nothing
         returning 1`,
        columns(created),
      );
      if (inserted.length !== created.length)
        throw new ConcurrentChange('An allocation of the batch was created concurrently');
    }
    const rewritten = pick(this.#rewritten);
    if (rewritten.length > 0) {
      await sql.query(
        `update inventory.order_allocations o
         set reservation_id = a.reservation_id, state = a.state, allocations = a.allocations::jsonb, updated_at = $5
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as a (order_id, reservation_id, state, allocations)
         where o.order_id = a.order_id`,
        columns(rewritten),
      );
    }
    const levels = [...this.#changedLevels].map((key) => this.#levels.get(key) as StockLevel);
    await updateStockLevels(sql, levels, now);
    await appendMovements(sql, this.#movements);
  }
}
