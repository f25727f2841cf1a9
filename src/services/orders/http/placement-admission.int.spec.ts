import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { describeEachEngine, type TestDatabase } from '../../../../test/support/databases.js';
import { startTestHost, type TestHost } from '../../../../test/support/host.js';
import { placeOrderBody } from '../../../../test/support/orders.js';
import { ordersService } from '../index.js';

const maxInProgress = 3;

describeEachEngine('POST /orders takes no more orders in progress than its bound', (open) => {
  let testDb: TestDatabase;
  let orders: TestHost;

  before(async () => {
    testDb = await open();
    // Without inventory and payments here, every order placed stays in progress until cancelled.
    orders = await startTestHost({
      db: testDb.db,
      modules: [ordersService],
      env: { ORDERS_MAX_IN_PROGRESS: String(maxInProgress) },
    });
  });

  after(async () => {
    await orders.stop();
    await testDb.dispose();
  });

  const newOrder = () => placeOrderBody([{ productId: randomUUID(), quantity: 1, price: 5 }]);
  const place = (body: object) => orders.inject({ method: 'POST', url: '/orders', payload: body });
  const storedOrders = async () =>
    (await testDb.db.query<{ n: number }>('select count(*)::int as n from orders.orders'))[0]!.n;
  const accepted: { orderId: string }[] = [];

  it('accepts up to the bound and refuses the rest with a 503 and Retry-After, storing nothing', async () => {
    const bodies = Array.from({ length: 2 * maxInProgress }, newOrder);
    const answers = await Promise.all(bodies.map(place));
    const statuses = answers.map((answer) => answer.statusCode);
    assert.equal(statuses.filter((status) => status === 202).length, maxInProgress, String(statuses));
    for (const [index, answer] of answers.entries()) {
      if (answer.statusCode === 202) {
        accepted.push(bodies[index]!);
        continue;
      }
      assert.equal(answer.statusCode, 503, answer.body);
      assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
      assert.equal(answer.headers['retry-after'], '1');
      const problem = JSON.parse(answer.body) as { code: string; status: number };
      assert.equal(problem.code, 'ORDERS.TOO_MANY_IN_PROGRESS');
      assert.equal(problem.status, 503);
    }
    assert.equal(await storedOrders(), maxInProgress);
  });

  it('still answers a retry of an order it accepted', async () => {
    const retry = await place(accepted[0]!);
    assert.equal(retry.statusCode, 202, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
  });

  it('takes a new order once one of those in progress is cancelled', async () => {
    assert.equal((await place(newOrder())).statusCode, 503);
    const cancel = await orders.inject({
      method: 'POST',
      url: `/orders/${accepted[1]!.orderId}/cancel`,
      payload: {},
    });
    assert.equal(cancel.statusCode, 202, cancel.body);
    // The count of orders in progress is taken again at most every 100 ms.
    await sleep(150);
    assert.equal((await place(newOrder())).statusCode, 202);
    assert.equal((await place(newOrder())).statusCode, 503);
    assert.equal(await storedOrders(), maxInProgress + 1);
  });

  it('counts the orders it refused in its metrics', async () => {
    const metrics = (await orders.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, new RegExp(`^orders_placements_refused_total ${maxInProgress + 2}$`, 'm'));
  });
});
