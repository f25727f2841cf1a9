import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { PlaceOrder } from '../../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../../test/support/databases.js';
import { envelopeFor } from '../../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../../test/support/host.js';
import { placeOrderBody } from '../../../../test/support/orders.js';
import { ordersService } from '../index.js';

interface ProblemBody {
  type: string;
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; location: string }[];
}

describeEachEngine('POST /orders refuses bad input', (open) => {
  let testDb: TestDatabase;
  let orders: TestHost;

  before(async () => {
    testDb = await open();
    orders = await startTestHost({
      db: testDb.db,
      modules: [ordersService],
      env: { BODY_LIMIT_BYTES: '4096' },
    });
  });

  after(async () => {
    await orders.stop();
    await testDb.dispose();
  });

  const valid = () => placeOrderBody([{ productId: randomUUID(), quantity: 2, price: 4.25 }]);
  const post = (payload: string | object, contentType = 'application/json') =>
    orders.inject({ method: 'POST', url: '/orders', payload, headers: { 'content-type': contentType } });
  const storedOrders = async () =>
    (await testDb.db.query<{ n: number }>('select count(*)::int as n from orders.orders'))[0]!.n;

  async function assertProblem(
    payload: string | object,
    status: number,
    code: string,
    field?: string,
    contentType?: string,
  ) {
    const before = await storedOrders();
    const response = await post(payload, contentType);
    assert.equal(response.statusCode, status, response.body);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const problem = JSON.parse(response.body) as ProblemBody;
    assert.equal(problem.status, status);
    assert.equal(problem.code, code);
    if (field)
      assert.ok(
        problem.errors?.some((error) => error.field === field),
        `${field} in ${response.body}`,
      );
    assert.equal(await storedOrders(), before, 'nothing is stored');
  }

  it('refuses malformed JSON', () => assertProblem('{"orderId": ', 400, 'REQUEST.MALFORMED_JSON'));

  it('refuses a body that is not JSON', () =>
    assertProblem('orderId=1', 415, 'REQUEST.UNSUPPORTED_MEDIA_TYPE', undefined, 'text/plain'));

  it('names a missing field', () => {
    const { customer: _customer, ...body } = valid();
    return assertProblem(body, 400, 'REQUEST.INVALID', '/customer');
  });

  it('names a mistyped field', () =>
    assertProblem({ ...valid(), orderDate: 42 }, 400, 'REQUEST.INVALID', '/orderDate'));

  it('refuses zero and negative quantities', async () => {
    for (const quantity of [0, -3]) {
      const body = valid();
      await assertProblem(
        { ...body, items: [{ ...body.items[0]!, quantity }] },
        400,
        'REQUEST.INVALID',
        '/items/0/quantity',
      );
    }
  });

  it('refuses a bad email address', () => {
    const body = valid();
    return assertProblem(
      { ...body, customer: { ...body.customer, email: 'not-an-email' } },
      400,
      'REQUEST.INVALID',
      '/customer/email',
    );
  });

  it('refuses an unknown payment method', () => {
    const body = valid();
    return assertProblem(
      { ...body, payment: { ...body.payment, paymentMethod: 'Gold Bars' } },
      400,
      'REQUEST.INVALID',
      '/payment/paymentMethod',
    );
  });

  it('refuses a payment amount that is not the items total', () => {
    const body = valid();
    return assertProblem(
      { ...body, payment: { ...body.payment, amount: 1 } },
      400,
      'ORDERS.AMOUNT_MISMATCH',
      '/payment/amount',
    );
  });

  it('refuses unknown properties', () =>
    assertProblem({ ...valid(), coupon: 'FREE' }, 400, 'REQUEST.INVALID', '/coupon'));

  it('refuses an oversized body', () => {
    const body = valid();
    return assertProblem(
      { ...body, shippingAddress: { ...body.shippingAddress, street: 'x'.repeat(8000) } },
      413,
      'REQUEST.TOO_LARGE',
    );
  });

  it('stays healthy and keeps taking good orders afterwards', async () => {
    assert.equal((await orders.inject({ method: 'GET', url: '/health' })).statusCode, 200);
    assert.equal((await post(valid())).statusCode, 202);
  });

  it('answers an unknown order with a 404 problem', async () => {
    const response = await orders.inject({ method: 'GET', url: `/orders/${randomUUID()}` });
    assert.equal(response.statusCode, 404);
    assert.equal((JSON.parse(response.body) as ProblemBody).code, 'ORDERS.NOT_FOUND');
  });

  it('dead-letters a PlaceOrder on the bus that fails validation, with the reason, storing nothing', async () => {
    const before = await storedOrders();
    const { customer: _customer, ...broken } = valid();
    const envelope = envelopeFor(PlaceOrder, broken as never);
    await orders.bus.publish([{ channel: PlaceOrder.channel, envelope }]);
    await orders.settled();
    const [letter] = await testDb.db.query<{ reason: string }>(
      'select reason from orders.dead_letters where message_id = $1',
      [envelope.id],
    );
    assert.match(letter?.reason ?? '', /invalid PlaceOrder payload: \/customer must have required property/);
    assert.equal(await storedOrders(), before);
  });

  it('lists orders by status and customer, a page at a time', async () => {
    const customerId = randomUUID();
    for (let i = 0; i < 3; i += 1) {
      const body = valid();
      await post({ ...body, customer: { ...body.customer, customerId } });
    }
    const first = JSON.parse(
      (await orders.inject({ method: 'GET', url: `/orders?customerId=${customerId}&limit=2` })).body,
    ) as {
      orders: { orderId: string }[];
      nextCursor: string | null;
    };
    assert.equal(first.orders.length, 2);
    assert.ok(first.nextCursor);
    const second = JSON.parse(
      (
        await orders.inject({
          method: 'GET',
          url: `/orders?customerId=${customerId}&limit=2&cursor=${first.nextCursor}`,
        })
      ).body,
    ) as { orders: { orderId: string }[]; nextCursor: string | null };
    assert.equal(second.orders.length, 1);
    assert.equal(second.nextCursor, null);
    const listed = async (status: string) =>
      (
        JSON.parse(
          (await orders.inject({ method: 'GET', url: `/orders?customerId=${customerId}&status=${status}` }))
            .body,
        ) as { orders: { orderId: string; status: string }[] }
      ).orders;
    const [cancelled, ...kept] = [...first.orders, ...second.orders].map((order) => order.orderId);
    const cancel = await orders.inject({ method: 'POST', url: `/orders/${cancelled}/cancel`, payload: {} });
    assert.equal(cancel.statusCode, 202, cancel.body);
    assert.deepEqual((await listed('pending')).map((order) => order.orderId).sort(), kept.sort());
    assert.deepEqual(
      (await listed('cancelled')).map(({ orderId, status }) => ({ orderId, status })),
      [{ orderId: cancelled, status: 'cancelled' }],
    );
  });
});

describeEachEngine('POST /orders is idempotent by orderId', (open) => {
  let testDb: TestDatabase;
  let orders: TestHost;

  before(async () => {
    testDb = await open();
    orders = await startTestHost({ db: testDb.db, modules: [ordersService] });
  });

  after(async () => {
    await orders.stop();
    await testDb.dispose();
  });

  const post = (payload: object) => orders.inject({ method: 'POST', url: '/orders', payload });
  const stored = (orderId: string) =>
    testDb.db.query<{ customer_id: string }>('select customer_id from orders.orders where order_id = $1', [
      orderId,
    ]);
  const eventsOf = async (orderId: string) =>
    (
      await testDb.db.query<{ type: string }>(
        `select envelope->>'type' as type from bus.messages where envelope->'data'->>'orderId' = $1 order by seq`,
        [orderId],
      )
    ).map((row) => row.type);

  /** The order a placement answered, without its timeline (which grows as its messages go out). */
  const placed = (body: string) => {
    const { timeline: _timeline, ...order } = JSON.parse(body) as { timeline: unknown };
    return order;
  };

  it('answers a new order as it is stored, its timeline holding the command that placed it', async () => {
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 2, price: 4.25 }]);
    const answer = await post(body);
    assert.equal(answer.statusCode, 202, answer.body);
    const asPlaced = JSON.parse(answer.body) as { timeline: { type: string }[] };
    const read = await orders.inject({ method: 'GET', url: `/orders/${body.orderId}` });
    assert.equal(read.statusCode, 200, read.body);
    const asStored = JSON.parse(read.body) as { timeline: { type: string }[] };
    const { flowConformance: _flowConformance, ...readAsPlaced } = placed(read.body) as {
      flowConformance: unknown;
    };
    assert.deepEqual(placed(answer.body), readAsPlaced, 'the order as GET shows it, but for its flow check');
    assert.deepEqual(
      asPlaced.timeline.map((entry) => entry.type),
      ['PlaceOrder'],
    );
    assert.deepEqual(asPlaced.timeline[0], asStored.timeline[0], 'the command as the timeline stored it');
  });

  it('answers the same body again with the same order, marked as replayed, and places it once', async () => {
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 2, price: 4.25 }]);
    const first = await post(body);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers['idempotent-replayed'], 'false');
    const events = await eventsOf(body.orderId);
    assert.ok(events.length > 0, 'placing the order announced it');

    // The same request with its keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    for (const again of [body, reordered]) {
      const repeat = await post(again);
      assert.equal(repeat.statusCode, 202, repeat.body);
      assert.equal(repeat.headers['idempotent-replayed'], 'true');
      assert.deepEqual(placed(repeat.body), placed(first.body));
    }
    assert.equal((await stored(body.orderId)).length, 1);
    assert.deepEqual(await eventsOf(body.orderId), events, 'a repeat announces nothing');
  });

  it('places an order once when its requests come at once, answering the same body as a replay and another with 409', async () => {
    for (let round = 0; round < 4; round += 1) {
      const body = placeOrderBody([{ productId: randomUUID(), quantity: 2, price: 4.25 }]);
      const other = { ...body, customer: { ...body.customer, customerId: randomUUID() } };
      const requests = [body, other, body, body, other];
      const answers = await Promise.all(requests.map(post));
      const winners = answers.filter((answer) => answer.headers['idempotent-replayed'] === 'false');
      assert.equal(winners.length, 1, answers.map((answer) => answer.body).join('\n'));
      const won = requests[answers.indexOf(winners[0]!)]!;
      answers.forEach((answer, index) => {
        assert.equal(answer.statusCode, requests[index] === won ? 202 : 409, answer.body);
        if (answer !== winners[0] && requests[index] === won) {
          assert.equal(answer.headers['idempotent-replayed'], 'true');
          assert.deepEqual(placed(answer.body), placed(winners[0]!.body));
        }
      });
      assert.deepEqual(await stored(body.orderId), [{ customer_id: won.customer.customerId }]);
      assert.deepEqual(
        (await eventsOf(body.orderId)).filter((type) => type === 'OrderPlaced'),
        ['OrderPlaced'],
      );
    }
  });

  it('refuses another body under the same orderId with 409 ORDERS.ID_REUSED, whatever field differs', async () => {
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 2, price: 4.25 }]);
    assert.equal((await post(body)).statusCode, 202);
    const events = await eventsOf(body.orderId);
    const variants: Record<string, object> = {
      customer: { ...body, customer: { ...body.customer, customerId: randomUUID() } },
      'customer email': { ...body, customer: { ...body.customer, email: 'ada@example.com' } },
      'shipping address': { ...body, shippingAddress: { ...body.shippingAddress, zip: '10001' } },
      'order date': { ...body, orderDate: new Date(Date.parse(body.orderDate) - 60_000).toISOString() },
      quantity: placeOrderBody([{ productId: body.items[0]!.itemId, quantity: 3, price: 4.25 }], {
        ...body,
        items: [{ ...body.items[0]!, quantity: 3 }],
        payment: { ...body.payment, amount: 12.75 },
      }),
      'payment reference': { ...body, payment: { ...body.payment, transactionId: `txn-${randomUUID()}` } },
    };
    for (const [differs, variant] of Object.entries(variants)) {
      const response = await post(variant);
      assert.equal(response.statusCode, 409, `${differs}: ${response.body}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal((JSON.parse(response.body) as ProblemBody).code, 'ORDERS.ID_REUSED', differs);
    }
    assert.deepEqual(await stored(body.orderId), [{ customer_id: body.customer.customerId }]);
    assert.deepEqual(await eventsOf(body.orderId), events, 'a refused body announces nothing');
  });
});
