import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../../src/platform/db/database.js';
import { assertEachEffectOnce, type Outcome } from '../../support/effects.js';
import { placeOrderBody, stockBody } from '../../support/orders.js';
import { until } from '../../support/until.js';
import type { DistributedDomain } from './domain.js';

export const finalStatuses = ['completed', 'rejected', 'cancelled'] as const;

/** Products with limited stock, and more single-unit orders for each than it holds. */
export interface Workload {
  readonly stock: ReadonlyMap<string, number>;
  readonly orders: readonly ReturnType<typeof placeOrderBody>[];
  /** The product each order asks one unit of. */
  readonly productOf: ReadonlyMap<string, string>;
}

export function workload(
  products: number,
  ordersPerProduct: number,
  stockOf: (index: number) => number,
): Workload {
  const ids = Array.from({ length: products }, () => randomUUID());
  const stock = new Map(ids.map((id, index) => [id, stockOf(index)]));
  const orders = Array.from({ length: products * ordersPerProduct }, (_, index) =>
    placeOrderBody([{ productId: ids[index % products]!, quantity: 1 }]),
  );
  const productOf = new Map(orders.map((order) => [order.orderId, order.items[0]!.itemId]));
  return { stock, orders, productOf };
}

export async function stockProducts(
  domain: DistributedDomain,
  stock: ReadonlyMap<string, number>,
): Promise<void> {
  await Promise.all(
    [...stock].map(async ([productId, units]) => {
      const answer = await domain.request({
        method: 'POST',
        url: '/inventory/add',
        payload: stockBody(productId, units),
      });
      assert.equal(answer.statusCode, 200, answer.body);
    }),
  );
}

/** Stocks a new product with five units, then places an order of `quantity` of it; resolves with its id. */
export async function placeStockedOrder(domain: DistributedDomain, quantity: number): Promise<string> {
  const productId = randomUUID();
  await stockProducts(domain, new Map([[productId, 5]]));
  const body = placeOrderBody([{ productId, quantity }]);
  const placed = await domain.request({ method: 'POST', url: '/orders', payload: body });
  assert.equal(placed.statusCode, 202, placed.body);
  return body.orderId;
}

/**
 * Places every order at once, as a client that retries until each is accepted: the order id
 * makes a repeat safe, so a request lost to a fault is simply sent again. Resolves with how many
 * requests were retried; any answer but 202 or a transient failure fails the test.
 */
export async function placeAll(
  domain: DistributedDomain,
  orders: readonly object[],
  timeoutMs = 120_000,
): Promise<{ retried: number }> {
  const deadline = Date.now() + timeoutMs;
  let retried = 0;
  await Promise.all(
    orders.map(async (order) => {
      for (let attempt = 1; ; attempt++) {
        const answer = await domain
          .request({ method: 'POST', url: '/orders', payload: order })
          .catch((error: unknown) => ({ statusCode: 0, body: String(error) }));
        if (answer.statusCode === 202) return;
        // 429: too many of this client's requests in flight, to be sent again later like a 503.
        if (answer.statusCode > 0 && answer.statusCode < 500 && answer.statusCode !== 429)
          assert.fail(`order refused: ${answer.body}`);
        if (Date.now() > deadline)
          assert.fail(`an order was still not accepted after ${timeoutMs} ms: ${answer.body}`);
        retried += 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(50 * attempt, 1_000)));
      }
    }),
  );
  return { retried };
}

/** How many of the orders are in a final state. */
export async function finalCount(orders: Database, orderIds: readonly string[]): Promise<number> {
  const [row] = await orders.query<{ final: number }>(
    `select count(*)::int as final from orders.orders where order_id = any ($1::uuid[]) and status = any ($2::text[])`,
    [orderIds, finalStatuses],
  );
  return row?.final ?? 0;
}

/** Polls until every order is in a final state; resolves with how long that took. */
export async function untilAllFinal(
  orders: Database,
  orderIds: readonly string[],
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let final = 0;
  await until(
    () => `every order final (${orderIds.length - final} were not)`,
    async () => {
      final = await finalCount(orders, orderIds);
      return final === orderIds.length;
    },
    { timeoutMs, everyMs: 100 },
  );
  return Date.now() - started;
}

/**
 * Everything that must hold once the domain settled after the workload, whatever happened on the
 * way: each accepted order final, exactly the stock of each product sold, stock levels equal to
 * their ledger, each message handled once, and each envelope stored once by the broker.
 */
export async function assertSettledConsistently(domain: DistributedDomain, load: Workload): Promise<void> {
  const orders = await domain.database('orders');
  const inventory = await domain.database('inventory');
  const ids = load.orders.map((order) => order.orderId);

  const statuses = await orders.query<{ order_id: string; status: string }>(
    'select order_id, status from orders.orders where order_id = any ($1::uuid[])',
    [ids],
  );
  assert.equal(statuses.length, ids.length, 'every accepted order is stored');
  const sold = new Map<string, number>();
  for (const { order_id, status } of statuses) {
    assert.ok(status === 'completed' || status === 'rejected', `order ${order_id} ended ${status}`);
    if (status === 'completed') {
      const product = load.productOf.get(order_id)!;
      sold.set(product, (sold.get(product) ?? 0) + 1);
    }
  }
  for (const [product, units] of load.stock) {
    assert.equal(sold.get(product) ?? 0, units, `units of ${product} sold, against ${units} in stock`);
  }

  const levels = await inventory.query<{ product_id: string; on_hand: number; reserved: number }>(
    'select product_id, on_hand, reserved from inventory.stock where product_id = any ($1::uuid[])',
    [[...load.stock.keys()]],
  );
  assert.equal(levels.length, load.stock.size, 'a stock level for every product stocked');
  for (const level of levels) {
    assert.deepEqual({ onHand: level.on_hand, reserved: level.reserved }, { onHand: 0, reserved: 0 });
  }
  const [ledger] = await inventory.query<{ drifting: number }>(
    `select count(*)::int as drifting from inventory.stock s
     left join (select product_id, warehouse_id, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved
                from inventory.movements group by product_id, warehouse_id) m using (product_id, warehouse_id)
     where s.on_hand <> coalesce(m.on_hand, 0) or s.reserved <> coalesce(m.reserved, 0)`,
  );
  assert.equal(ledger?.drifting, 0, 'every stock level equals the sum of its ledger');
  const [twice] = await inventory.query<{ repeated: number }>(
    `select count(*)::int as repeated from (
       select 1 from inventory.movements where order_id is not null
       group by order_id, product_id, warehouse_id, reason having count(*) > 1) repeats`,
  );
  assert.equal(twice?.repeated, 0, 'no order moved the same stock twice for the same reason');
  const [handled] = await inventory.query<{ count: number }>(
    `select count(*)::int as count from inventory.inbox where consumer = 'InventoryService-reserve-inventory'`,
  );
  const [sent] = await orders.query<{ count: number }>(
    `select count(*)::int as count from orders.outbox where envelope ->> 'type' = 'ReserveInventory'`,
  );
  assert.equal(handled?.count, sent?.count, 'every reservation request sent was handled exactly once');

  await assertEachEnvelopeStoredOnce(domain);

  const outcomes = new Map(statuses.map(({ order_id, status }) => [order_id, status as Outcome]));
  const outboxes = await Promise.all(
    // SubscriptionService sends nothing about orders.
    domain.services
      .filter((service) => service !== 'subscriptions')
      .map(async (service) => ({
        db: await domain.database(service),
        table: `${service}.outbox`,
      })),
  );
  await assertEachEffectOnce((service) => domain.database(service), outcomes, outboxes);
}

/**
 * Every envelope a service's outbox holds is stored exactly once by the broker, and the broker holds
 * nothing else: compared id by id, so that one lost message and one stored twice cannot cancel out.
 */
async function assertEachEnvelopeStoredOnce(domain: DistributedDomain): Promise<void> {
  const sent: string[] = [];
  for (const service of domain.services) {
    const db = await domain.database(service);
    const rows = await db.query<{ id: string }>(`select id from ${service}.outbox`);
    sent.push(...rows.map((row) => row.id));
  }
  assert.ok(sent.length > 0, 'the outboxes hold no envelope to look for');
  const copies = new Map<string, number>();
  for (const id of await domain.storedEnvelopeIds()) copies.set(id, (copies.get(id) ?? 0) + 1);
  const outboxIds = new Set(sent);
  const wrong = [
    ...sent.filter((id) => copies.get(id) !== 1).map((id) => ({ id, stored: copies.get(id) ?? 0 })),
    ...[...copies.keys()]
      .filter((id) => !outboxIds.has(id))
      .map((id) => ({ id, stored: 'sent by no outbox' })),
  ];
  assert.deepEqual(
    wrong.slice(0, 5),
    [],
    `envelopes not stored exactly once by the broker (${wrong.length})`,
  );
}
