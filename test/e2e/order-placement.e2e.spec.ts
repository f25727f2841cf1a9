import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';

interface OrderView {
  orderId: string;
  status: string;
  totalAmount: number;
  items: { itemId: string; quantity: number }[];
  rejection?: { reason: string; shortages: { productId: string; available: number }[] };
  amendmentPending: boolean;
  timeline: { type: string; source: string }[];
}

interface StockView {
  totals: { onHand: number; reserved: number; available: number };
}

describeEachEngine('placing orders through the whole domain', (open) => {
  let testDb: TestDatabase;
  let smtp: TestSmtpServer;
  let domain: TestHost;

  before(async () => {
    testDb = await open();
    smtp = await startTestSmtpServer();
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      env: { SMTP_URL: smtp.url, CONSUMER_MAX_IN_FLIGHT: '16' },
    });
  });

  after(async () => {
    await domain.stop();
    await smtp.stop();
    await testDb.dispose();
  });

  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const getOrder = async (orderId: string) =>
    json<OrderView>(await domain.inject({ method: 'GET', url: `/orders/${orderId}` }));
  const getStock = async (productId: string) =>
    json<StockView>(await domain.inject({ method: 'GET', url: `/inventory/${productId}` }));
  const stock = async (productId: string, quantity: number) => {
    const response = await domain.inject({
      method: 'POST',
      url: '/inventory/add',
      payload: stockBody(productId, quantity),
    });
    assert.equal(response.statusCode, 200, response.body);
  };
  const place = (body: object) => domain.inject({ method: 'POST', url: '/orders', payload: body });
  const emailsToCustomer = (body: { orderId: string; customer: { email: string } }) =>
    smtp.received.filter(
      (email) => email.text.includes(body.orderId) && email.to.includes(body.customer.email),
    );

  it('runs the whole sequence for one order, with every message on its timeline', async () => {
    const productId = randomUUID();
    await stock(productId, 10);
    const body = placeOrderBody([{ productId, quantity: 3, price: 12.5 }]);

    const accepted = await place(body);
    assert.equal(accepted.statusCode, 202, accepted.body);
    assert.equal(accepted.headers.location, `/orders/${body.orderId}`);
    assert.equal(json<OrderView>(accepted).status, 'pending');
    await domain.settled();

    const order = await getOrder(body.orderId);
    assert.equal(order.status, 'completed');
    const types = order.timeline.map((entry) => entry.type);
    for (const [before, after] of [
      ['PlaceOrder', 'OrderPlaced'],
      ['OrderPlaced', 'InventoryReserved'],
      ['ReserveInventory', 'InventoryReserved'],
      ['InventoryReserved', 'OrderConfirmed'],
      ['OrderConfirmed', 'InventoryAdjusted'],
      ['OrderConfirmed', 'NotificationSent'],
      ['InventoryAdjusted', 'OrderCompleted'],
    ] as const) {
      assert.ok(
        types.indexOf(before) >= 0 && types.indexOf(before) < types.indexOf(after),
        `${before} before ${after} in ${types.join(', ')}`,
      );
    }
    assert.deepEqual((await getStock(productId)).totals, { onHand: 7, reserved: 0, available: 7 });
    const [confirmation] = emailsToCustomer(body);
    assert.equal(emailsToCustomer(body).length, 1);
    assert.deepEqual(confirmation?.to, [body.customer.email]);
    assert.match(confirmation.text, /37\.50/);
  });

  it('rejects an order stock cannot cover, tells the customer why, and holds nothing', async () => {
    const productId = randomUUID();
    await stock(productId, 2);
    const body = placeOrderBody([{ productId, quantity: 5, name: 'Brass Telescope' }]);
    assert.equal((await place(body)).statusCode, 202);
    await domain.settled();

    const order = await getOrder(body.orderId);
    assert.equal(order.status, 'rejected');
    assert.deepEqual(order.rejection?.shortages, [{ productId, requested: 5, available: 2 }]);
    assert.ok(order.timeline.some((entry) => entry.type === 'OutOfStock'));
    assert.deepEqual((await getStock(productId)).totals, { onHand: 2, reserved: 0, available: 2 });
    const [rejection] = emailsToCustomer(body);
    assert.match(rejection?.text ?? '', /Brass Telescope/);
  });

  it('restocks a completed order when it is cancelled, once however often it is asked', async () => {
    const productId = randomUUID();
    await stock(productId, 5);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    await place(body);
    await domain.settled();
    assert.equal((await getStock(productId)).totals.onHand, 3);

    const cancel = () =>
      domain.inject({
        method: 'POST',
        url: `/orders/${body.orderId}/cancel`,
        payload: { reason: 'no longer needed' },
      });
    assert.equal((await cancel()).statusCode, 202);
    assert.equal((await cancel()).statusCode, 202);
    await domain.settled();

    assert.equal((await getOrder(body.orderId)).status, 'cancelled');
    assert.deepEqual((await getStock(productId)).totals, { onHand: 5, reserved: 0, available: 5 });
    assert.equal(emailsToCustomer(body).filter((email) => /cancel/i.test(email.subject)).length, 1);
  });

  it('amends a completed order up and down, adjusting stock by the difference', async () => {
    const productId = randomUUID();
    await stock(productId, 10);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    await place(body);
    await domain.settled();

    const amend = (quantity: number) =>
      domain.inject({
        method: 'POST',
        url: `/orders/${body.orderId}/amendments`,
        payload: { items: [{ itemId: productId, quantity }] },
      });
    assert.equal((await amend(5)).statusCode, 202);
    await domain.settled();
    assert.deepEqual((await getStock(productId)).totals, { onHand: 5, reserved: 0, available: 5 });
    assert.equal((await getOrder(body.orderId)).totalAmount, 50);

    assert.equal((await amend(1)).statusCode, 202);
    await domain.settled();
    const order = await getOrder(body.orderId);
    assert.equal(order.amendmentPending, false);
    assert.equal(order.items[0]?.quantity, 1);
    assert.deepEqual((await getStock(productId)).totals, { onHand: 9, reserved: 0, available: 9 });
  });

  it('reverts an amendment stock cannot cover and tells the customer', async () => {
    const productId = randomUUID();
    await stock(productId, 3);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    await place(body);
    await domain.settled();

    const amended = await domain.inject({
      method: 'POST',
      url: `/orders/${body.orderId}/amendments`,
      payload: { items: [{ itemId: productId, quantity: 9 }] },
    });
    assert.equal(amended.statusCode, 202);
    await domain.settled();

    const order = await getOrder(body.orderId);
    assert.equal(order.items[0]?.quantity, 2);
    assert.equal(order.amendmentPending, false);
    assert.ok(order.timeline.some((entry) => entry.type === 'OrderAmendmentRejected'));
    assert.deepEqual((await getStock(productId)).totals, { onHand: 1, reserved: 0, available: 1 });
    assert.ok(emailsToCustomer(body).some((email) => /amend|change/i.test(email.subject)));
  });

  it('answers a repeated placement with the same order, and a reused id with a 409', async () => {
    const productId = randomUUID();
    await stock(productId, 5);
    const body = placeOrderBody([{ productId, quantity: 1 }]);
    const first = await place(body);
    const again = await place({ ...body, customer: { ...body.customer } });
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(json<OrderView>(again).orderId, json<OrderView>(first).orderId);

    const reused = await place({
      ...body,
      items: [{ ...body.items[0]!, quantity: 2 }],
      payment: { ...body.payment, amount: 20 },
    });
    assert.equal(reused.statusCode, 409);
    assert.equal(json<{ code: string }>(reused).code, 'ORDERS.ID_REUSED');
    await domain.settled();
    assert.equal((await getStock(productId)).totals.onHand, 4);
  });

  it('never confirms more units than there are, under 200 concurrent orders', async () => {
    const productId = randomUUID();
    await stock(productId, 30);
    await stock(productId, 20);
    const bodies = Array.from({ length: 200 }, () => placeOrderBody([{ productId, quantity: 1 }]));
    const responses = await Promise.all(bodies.map((body) => place(body)));
    assert.ok(responses.every((response) => response.statusCode === 202));
    await domain.settled(60_000);

    const statuses = await Promise.all(bodies.map(async (body) => (await getOrder(body.orderId)).status));
    assert.equal(statuses.filter((status) => status === 'completed').length, 50);
    assert.equal(statuses.filter((status) => status === 'rejected').length, 150);
    assert.deepEqual((await getStock(productId)).totals, { onHand: 0, reserved: 0, available: 0 });
    const [negative] = await testDb.db.query<{ n: number }>(
      'select count(*)::int as n from inventory.stock where on_hand < 0 or reserved < 0 or reserved > on_hand',
    );
    assert.equal(negative?.n, 0);
  });
});
