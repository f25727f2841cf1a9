import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { placeOrderBody, stockBody } from '../support/orders.js';
import type { TestSmtpServer } from '../support/smtp-server.js';

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

/** A running domain as the order suite sees it, whichever runtime hosts it. */
export interface DomainUnderTest {
  request(options: {
    method: 'GET' | 'POST';
    url: string;
    payload?: object;
  }): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
  /** Resolves once every outbox, consumer and worker is drained. */
  settled(timeoutMs?: number): Promise<void>;
  /** Runs SQL on InventoryService's own data. */
  inventoryQuery<Row>(sql: string): Promise<Row[]>;
}

/**
 * The end-to-end order placement tests, declared inside the caller's suite: the embedded runtime
 * and the distributed one (every service its own process) must both pass them.
 */
export function orderPlacementTests(domain: () => DomainUnderTest, smtp: () => TestSmtpServer): void {
  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const getOrder = async (orderId: string) =>
    json<OrderView>(await domain().request({ method: 'GET', url: `/orders/${orderId}` }));
  const getStock = async (productId: string) =>
    json<StockView>(await domain().request({ method: 'GET', url: `/inventory/${productId}` }));
  const stock = async (productId: string, quantity: number) => {
    const response = await domain().request({
      method: 'POST',
      url: '/inventory/add',
      payload: stockBody(productId, quantity),
    });
    assert.equal(response.statusCode, 200, response.body);
  };
  const place = (body: object) => domain().request({ method: 'POST', url: '/orders', payload: body });
  const emailsToCustomer = (body: { orderId: string; customer: { email: string } }) =>
    smtp().received.filter(
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
    await domain().settled();

    const order = await getOrder(body.orderId);
    assert.equal(order.status, 'completed');
    const types = order.timeline.map((entry) => entry.type);
    for (const [before, after] of [
      ['PlaceOrder', 'OrderPlaced'],
      ['OrderPlaced', 'InventoryReserved'],
      ['ReserveInventory', 'InventoryReserved'],
      ['InventoryReserved', 'RequestPayment'],
      ['RequestPayment', 'PaymentProcessed'],
      ['PaymentProcessed', 'OrderConfirmed'],
      ['OrderConfirmed', 'InventoryAdjusted'],
      ['OrderConfirmed', 'NotificationSent'],
      ['InventoryAdjusted', 'PaymentComplete'],
      ['PaymentComplete', 'OrderCompleted'],
    ] as const) {
      assert.ok(
        types.indexOf(before) >= 0 && types.indexOf(before) < types.indexOf(after),
        `${before} before ${after} in ${types.join(', ')}`,
      );
    }
    assert.deepEqual((await getStock(productId)).totals, { onHand: 7, reserved: 0, available: 7 });
    // The payment receipt (the catalog's "customer notified of payment") and the confirmation.
    const emails = emailsToCustomer(body);
    assert.deepEqual(emails.map((email) => email.subject).sort(), [
      `Order ${body.orderId} confirmed`,
      `Payment received for order ${body.orderId}`,
    ]);
    const confirmation = emails.find((email) => /confirmed/.test(email.subject));
    assert.deepEqual(confirmation?.to, [body.customer.email]);
    assert.match(confirmation.text, /37\.50/);
  });

  it('rejects an order stock cannot cover, tells the customer why, and holds nothing', async () => {
    const productId = randomUUID();
    await stock(productId, 2);
    const body = placeOrderBody([{ productId, quantity: 5, name: 'Brass Telescope' }]);
    assert.equal((await place(body)).statusCode, 202);
    await domain().settled();

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
    await domain().settled();
    assert.equal((await getStock(productId)).totals.onHand, 3);

    const cancel = () =>
      domain().request({
        method: 'POST',
        url: `/orders/${body.orderId}/cancel`,
        payload: { reason: 'no longer needed' },
      });
    assert.equal((await cancel()).statusCode, 202);
    assert.equal((await cancel()).statusCode, 202);
    await domain().settled();

    assert.equal((await getOrder(body.orderId)).status, 'cancelled');
    assert.deepEqual((await getStock(productId)).totals, { onHand: 5, reserved: 0, available: 5 });
    assert.equal(emailsToCustomer(body).filter((email) => /cancel/i.test(email.subject)).length, 1);
  });

  it('amends a completed order up and down, adjusting stock by the difference', async () => {
    const productId = randomUUID();
    await stock(productId, 10);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    await place(body);
    await domain().settled();

    const amend = (quantity: number) =>
      domain().request({
        method: 'POST',
        url: `/orders/${body.orderId}/amendments`,
        payload: { items: [{ itemId: productId, quantity }] },
      });
    assert.equal((await amend(5)).statusCode, 202);
    await domain().settled();
    assert.deepEqual((await getStock(productId)).totals, { onHand: 5, reserved: 0, available: 5 });
    assert.equal((await getOrder(body.orderId)).totalAmount, 50);

    assert.equal((await amend(1)).statusCode, 202);
    await domain().settled();
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
    await domain().settled();

    const amended = await domain().request({
      method: 'POST',
      url: `/orders/${body.orderId}/amendments`,
      payload: { items: [{ itemId: productId, quantity: 9 }] },
    });
    assert.equal(amended.statusCode, 202);
    await domain().settled();

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
    await domain().settled();
    assert.equal((await getStock(productId)).totals.onHand, 4);
  });

  it('never confirms more units than there are, under 200 concurrent orders', async () => {
    const productId = randomUUID();
    await stock(productId, 30);
    await stock(productId, 20);
    const bodies = Array.from({ length: 200 }, () => placeOrderBody([{ productId, quantity: 1 }]));
    const responses = await Promise.all(bodies.map((body) => place(body)));
    assert.ok(responses.every((response) => response.statusCode === 202));
    await domain().settled(60_000);

    const statuses = await Promise.all(bodies.map(async (body) => (await getOrder(body.orderId)).status));
    assert.equal(statuses.filter((status) => status === 'completed').length, 50);
    assert.equal(statuses.filter((status) => status === 'rejected').length, 150);
    assert.deepEqual((await getStock(productId)).totals, { onHand: 0, reserved: 0, available: 0 });
    const [negative] = await domain().inventoryQuery<{ n: number }>(
      'select count(*)::int as n from inventory.stock where on_hand < 0 or reserved < 0 or reserved > on_hand',
    );
    assert.equal(negative?.n, 0);
  });
}
