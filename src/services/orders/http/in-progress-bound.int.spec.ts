import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { PlaceOrder } from '../../../../contracts/index.js';
import {
  describeEachEngine,
  describePostgres,
  type TestDatabase,
} from '../../../../test/support/databases.js';
import { envelopeFor } from '../../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../../test/support/host.js';
import { placeOrderBody } from '../../../../test/support/orders.js';
import { startReplicas } from '../../../../test/support/replicas.js';
import { ordersService } from '../index.js';

const maxInProgress = 3;
const bounded = { ORDERS_MAX_IN_PROGRESS: String(maxInProgress) };

/**
 * OrdersService alone on a database of its own, started before the suite's tests and stopped after
 * them. Without inventory and payments, every order placed stays pending until cancelled.
 */
function boundedOrdersFor(open: () => Promise<TestDatabase>) {
  const suite = {} as { testDb: TestDatabase; orders: TestHost };
  before(async () => {
    suite.testDb = await open();
    suite.orders = await startTestHost({ db: suite.testDb.db, modules: [ordersService], env: bounded });
  });
  after(async () => {
    await suite.orders.stop();
    await suite.testDb.dispose();
  });
  return suite;
}
const newOrder = () => placeOrderBody([{ productId: randomUUID(), quantity: 1, price: 5 }]);
const placeOn = (host: TestHost, body: object = newOrder()) =>
  host.inject({ method: 'POST', url: '/orders', payload: body });

describeEachEngine('POST /orders takes no more orders in progress than its bound', (open, engine) => {
  const suite = boundedOrdersFor(open);

  type Body = ReturnType<typeof placeOrderBody>;
  const place = (body: object) => placeOn(suite.orders, body);
  const storedOrders = async () =>
    (await suite.testDb.db.query<{ n: number }>('select count(*)::int as n from orders.orders'))[0]!.n;
  const assertRefusal = (answer: Awaited<ReturnType<typeof place>>) => {
    assert.equal(answer.statusCode, 503, answer.body);
    assert.match(String(answer.headers['content-type']), /^application\/problem\+json/);
    assert.equal(answer.headers['retry-after'], '1');
    const problem = JSON.parse(answer.body) as { code: string; status: number };
    assert.deepEqual(
      { code: problem.code, status: problem.status },
      { code: 'ORDERS.TOO_MANY_IN_PROGRESS', status: 503 },
    );
  };
  let accepted: Body[] = [];

  it('accepts orders up to the bound and refuses the next with a 503 and Retry-After, storing nothing', async () => {
    const bodies = Array.from({ length: 2 * maxInProgress }, newOrder);
    // Placements sharing PGlite's one connection count one another. On a pool, placements committing
    // side by side each count only what was committed before them, so there they go one at a time.
    const answers: Awaited<ReturnType<typeof place>>[] = [];
    if (engine === 'pglite') answers.push(...(await Promise.all(bodies.map(place))));
    else for (const body of bodies) answers.push(await place(body));
    accepted = bodies.filter((_, index) => answers[index]!.statusCode === 202);
    assert.equal(accepted.length, maxInProgress, String(answers.map((answer) => answer.statusCode)));
    for (const answer of answers.filter((answer) => answer.statusCode !== 202)) assertRefusal(answer);
    assert.equal(await storedOrders(), maxInProgress);
  });

  it('answers as ever a retry of an order it accepted, another body under its id, and an invalid order', async () => {
    const retry = await place(accepted[0]!);
    assert.equal(retry.statusCode, 202, retry.body);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    const reused = await place({ ...newOrder(), orderId: accepted[0]!.orderId });
    assert.equal(reused.statusCode, 409, reused.body);
    const body = newOrder();
    const invalid = await place({ ...body, payment: { ...body.payment, amount: 1 } });
    assert.equal(invalid.statusCode, 400, invalid.body);
  });

  it('counts confirmed orders as in progress, and takes a new one once one is cancelled', async () => {
    // The status column alone, which is what the bound counts: as when the payment is authorized.
    await suite.testDb.db.query(`update orders.orders set status = 'confirmed' where order_id = $1`, [
      accepted[0]!.orderId,
    ]);
    assertRefusal(await place(newOrder()));
    const cancel = await suite.orders.inject({
      method: 'POST',
      url: `/orders/${accepted[1]!.orderId}/cancel`,
      payload: {},
    });
    assert.equal(cancel.statusCode, 202, cancel.body);
    assert.equal((await place(newOrder())).statusCode, 202);
    assertRefusal(await place(newOrder()));
    assert.equal(await storedOrders(), maxInProgress + 1);
  });

  it('counts the orders it refused in its metrics', async () => {
    const metrics = (await suite.orders.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, new RegExp(`^orders_placements_refused_total ${maxInProgress + 2}$`, 'm'));
  });
});

describeEachEngine('POST /orders counts the orders placed from the bus against its bound', (open) => {
  const suite = boundedOrdersFor(open);

  const place = (body: object) => placeOn(suite.orders, body);

  it('takes every PlaceOrder from the bus, and refuses over HTTP once they fill the bound', async () => {
    assert.equal((await place(newOrder())).statusCode, 202);
    const fromBus = Array.from({ length: maxInProgress }, () => envelopeFor(PlaceOrder, newOrder()));
    await suite.orders.bus.publish(fromBus.map((envelope) => ({ channel: PlaceOrder.channel, envelope })));
    await suite.orders.settled();
    const [stored] = await suite.testDb.db.query<{ n: number }>(
      'select count(*)::int as n from orders.orders',
    );
    assert.equal(stored?.n, maxInProgress + 1, 'the bus is never refused');
    assert.equal((await place(newOrder())).statusCode, 503);
  });
});

describePostgres('POST /orders on two replicas counts the orders of both against its bound', (open) => {
  let testDb: TestDatabase;
  let replicas: TestHost[];

  before(async () => {
    testDb = await open();
    replicas = await startReplicas(testDb, [ordersService], 2, bounded);
  });

  after(async () => {
    for (const replica of replicas) await replica.stop();
    await testDb.dispose();
  });

  const statusOn = async (replica: TestHost) => (await placeOn(replica)).statusCode;

  it('refuses on one replica once the other has filled the bound', async () => {
    const [one, other] = replicas as [TestHost, TestHost];
    assert.equal(await statusOn(one), 202);
    for (let placed = 1; placed < maxInProgress; placed++) assert.equal(await statusOn(other), 202);
    assert.equal(await statusOn(one), 503);
  });
});
