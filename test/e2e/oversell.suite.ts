import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import type { TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';

const orders = 1000;
const units = 100;

/**
 * A thousand orders at once for a hundred units of one product, on the engine `open` gives. One file
 * per engine, so that each stays well inside the per-file timeout on a busy machine.
 */
export const oversellTitle = `${orders} concurrent orders for ${units} units of one product`;

export const oversellSuite = (open: () => Promise<TestDatabase>) => () => {
  let testDb: TestDatabase;
  let domain: TestHost;

  before(async () => {
    testDb = await open();
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      // Every order is let in at once: what is under test is the stock, not load shedding or the bound
      // on orders in progress.
      env: {
        HTTP_MAX_IN_FLIGHT: String(orders * 2),
        HTTP_MAX_IN_FLIGHT_PER_CLIENT: String(orders * 2),
        ORDERS_MAX_IN_PROGRESS: String(orders),
      },
    });
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  it('confirms exactly the units there are and rejects the rest', async () => {
    const productId = randomUUID();
    const added = await domain.inject({
      method: 'POST',
      url: '/inventory/add',
      payload: stockBody(productId, units),
    });
    assert.equal(added.statusCode, 200, added.body);
    const bodies = Array.from({ length: orders }, () => placeOrderBody([{ productId, quantity: 1 }]));
    const started = Date.now();
    const answers = await Promise.all(
      bodies.map((body) => domain.inject({ method: 'POST', url: '/orders', payload: body })),
    );
    assert.deepEqual(
      answers.filter((answer) => answer.statusCode !== 202).map((answer) => answer.body),
      [],
    );
    await domain.settled(120_000);
    console.log(`${orders} orders final ${Date.now() - started} ms after the first was sent`);

    const statuses = await testDb.db.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from orders.orders where order_id = any($1::uuid[]) group by status order by status`,
      [bodies.map((body) => body.orderId)],
    );
    assert.deepEqual(statuses, [
      { status: 'completed', n: units },
      { status: 'rejected', n: orders - units },
    ]);
    const stock = await domain.inject({ method: 'GET', url: `/inventory/${productId}` });
    assert.deepEqual(stock.json<{ totals: unknown }>().totals, { onHand: 0, reserved: 0, available: 0 });
    const [broken] = await testDb.db.query<{ n: number }>(
      'select count(*)::int as n from inventory.stock where on_hand < 0 or reserved < 0 or reserved > on_hand',
    );
    assert.equal(broken?.n, 0);
  });
};
