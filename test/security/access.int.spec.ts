import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { consoleRoutes } from '../../src/hosts/console/plugin.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import { accessTable } from '../../src/platform/auth/access-table.js';
import { roles, type Role } from '../../src/platform/auth/roles.js';
import { tokenFor } from '../support/auth.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { subscribeUserBody } from '../support/subscriptions.js';

/** A concrete path for a route pattern of the access table. */
const pathOf = (pattern: string) =>
  pattern
    .replace(':service', 'OrdersService')
    .replace(':id', '1')
    .replace(/:[A-Za-z]+/g, randomUUID());

const protectedRoutes = Object.entries(accessTable).flatMap(([route, access]) =>
  'roles' in access ? [{ route, grants: access.roles }] : [],
);

describeEachEngine('who may do what (the access table, route by route)', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  const customerA = randomUUID();
  const customerB = randomUUID();
  const bearer: Record<string, string> = {};

  before(async () => {
    testDb = await open();
    // Every route of the table, the console's included, as the embedded host serves them.
    domain = await startTestHost({ db: testDb.db, modules: domainServices, plugins: [consoleRoutes] });
    bearer['A'] = `Bearer ${await tokenFor({ sub: customerA, role: 'customer' })}`;
    bearer['B'] = `Bearer ${await tokenFor({ sub: customerB, role: 'customer' })}`;
    bearer['customer'] = bearer['A'];
    bearer['staff'] = `Bearer ${await tokenFor({ sub: 'test-staff', role: 'staff' })}`;
    bearer['admin'] = `Bearer ${await tokenFor({ sub: 'test-admin', role: 'admin' })}`;
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  const call = (as: string | undefined, method: string, url: string, payload?: unknown) =>
    domain.inject({
      method: method,
      url,
      headers: { authorization: as === undefined ? '' : bearer[as]! },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  /**
   * A call whose body is read only when it is a refusal: a granted stream (the console's overview)
   * answers its status at once and then never ends.
   */
  const probe = async (as: string | undefined, method: string, url: string, payload?: unknown) => {
    const answer = await domain.inject({
      method: method,
      url,
      headers: { authorization: as === undefined ? '' : bearer[as]! },
      ...(payload === undefined ? {} : { payload: payload as object }),
      payloadAsStream: true,
    });
    const stream = answer.stream();
    let body = '';
    if (answer.statusCode < 300) stream.destroy();
    else for await (const chunk of stream) body += String(chunk);
    return {
      statusCode: answer.statusCode,
      headers: answer.headers,
      body,
      json: <T>() => JSON.parse(body) as T,
    };
  };

  it('answers 401 problem+json with a Bearer challenge to anonymous callers on every protected route', async () => {
    assert.ok(protectedRoutes.length >= 20, `only ${protectedRoutes.length} protected routes in the table`);
    for (const { route } of protectedRoutes) {
      const [method, pattern] = route.split(' ') as [string, string];
      const answer = await probe(undefined, method, pathOf(pattern), method === 'POST' ? {} : undefined);
      assert.equal(answer.statusCode, 401, route);
      assert.match(String(answer.headers['content-type']), /application\/problem\+json/, route);
      assert.match(String(answer.headers['www-authenticate']), /^Bearer realm=/, route);
      assert.equal(answer.json<{ code: string }>().code, 'AUTH.TOKEN_MISSING', route);
    }
  });

  it('lets each role through exactly the routes the table grants it, and answers 403 on the others', async () => {
    for (const { route, grants } of protectedRoutes) {
      const [method, pattern] = route.split(' ') as [string, string];
      for (const role of roles as readonly Role[]) {
        const answer = await probe(role, method, pathOf(pattern), method === 'POST' ? {} : undefined);
        if (grants[role])
          assert.ok(![401, 403].includes(answer.statusCode), `${role} ${route}: ${answer.body}`);
        else {
          assert.equal(answer.statusCode, 403, `${role} ${route}`);
          assert.equal(answer.json<{ code: string }>().code, 'AUTH.FORBIDDEN');
          assert.match(String(answer.headers['www-authenticate']), /insufficient_scope/);
        }
      }
    }
  });

  it('keeps every customer to their own orders, payments and notifications; staff see all', async () => {
    const productId = randomUUID();
    assert.equal((await call('staff', 'POST', '/inventory/add', stockBody(productId, 50))).statusCode, 200);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    const mine = { ...body, customer: { ...body.customer, customerId: customerA } };
    assert.equal((await call('A', 'POST', '/orders', mine)).statusCode, 202);
    await domain.settled();
    const orderId = mine.orderId;

    const own = await call('A', 'GET', `/orders/${orderId}`);
    assert.equal(own.statusCode, 200);
    const timeline = own.json<{ timeline: { type: string; actor: unknown }[] }>().timeline;
    assert.deepEqual(timeline[0], {
      ...timeline[0],
      type: 'PlaceOrder',
      actor: { id: customerA, role: 'customer' },
    });

    for (const [method, url, payload] of [
      ['GET', `/orders/${orderId}`],
      ['GET', `/orders/${orderId}/diagram`],
      ['POST', `/orders/${orderId}/cancel`, {}],
      ['POST', `/orders/${orderId}/amendments`, { items: [{ itemId: productId, quantity: 40 }] }],
    ] as const) {
      const answer = await call('B', method, url, payload);
      assert.equal(answer.statusCode, 404, `${method} ${url}`);
      assert.equal(answer.json<{ code: string }>().code, 'ORDERS.NOT_FOUND');
    }
    const listed = await call('B', 'GET', `/orders?customerId=${customerA}`);
    assert.deepEqual(listed.json<{ orders: unknown[] }>().orders, []);
    assert.equal((await call('A', 'GET', '/orders')).json<{ orders: unknown[] }>().orders.length, 1);

    const payments = (who: string) => call(who, 'GET', `/payments?orderId=${orderId}`);
    const [payment] = (await payments('A')).json<{ payments: { paymentId: string }[] }>().payments;
    assert.ok(payment, 'the customer sees their payment');
    assert.deepEqual((await payments('B')).json<{ payments: unknown[] }>().payments, []);
    assert.equal((await call('B', 'GET', `/payments/${payment.paymentId}`)).statusCode, 404);
    assert.equal((await call('A', 'GET', `/payments/${payment.paymentId}`)).statusCode, 200);

    const notes = (who: string) => call(who, 'GET', `/notifications?orderId=${orderId}`);
    const [note] = (await notes('A')).json<{ notifications: { notificationId: string }[] }>().notifications;
    assert.ok(note, 'the customer sees their notifications');
    assert.deepEqual((await notes('B')).json<{ notifications: unknown[] }>().notifications, []);
    assert.equal((await call('B', 'GET', `/notifications/${note.notificationId}`)).statusCode, 404);

    assert.equal((await call('staff', 'GET', `/orders/${orderId}`)).statusCode, 200);
    const cancelled = await call('staff', 'POST', `/orders/${orderId}/cancel`, { reason: 'Customer called' });
    assert.equal(cancelled.statusCode, 202);
    await domain.settled();
    const afterwards = (await call('A', 'GET', `/orders/${orderId}`)).json<{
      status: string;
      timeline: { type: string; actor: unknown }[];
    }>();
    assert.equal(afterwards.status, 'cancelled');
    const last = afterwards.timeline.find((e) => e.type === 'OrderCancelled');
    assert.deepEqual(last?.actor, { id: 'test-staff', role: 'staff' });
  });

  it('refuses a PlaceOrder for another customer with 403 and stores nothing', async () => {
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const answer = await call('A', 'POST', '/orders', {
      ...body,
      customer: { ...body.customer, customerId: customerB },
    });
    assert.equal(answer.statusCode, 403);
    assert.equal(answer.json<{ code: string }>().code, 'AUTH.NOT_YOURS');
    assert.equal((await call('admin', 'GET', `/orders/${body.orderId}`)).statusCode, 404);
  });

  it('keeps every customer to their own subscriptions', async () => {
    const subscription = subscribeUserBody({ userId: customerA });
    assert.equal((await call('A', 'POST', '/subscriptions', subscription)).statusCode, 202);
    assert.equal(
      (await call('B', 'POST', '/subscriptions', subscribeUserBody({ userId: customerA }))).statusCode,
      403,
    );
    await domain.settled();
    const id = subscription.subscriptionId;
    assert.equal((await call('A', 'GET', `/subscriptions/${id}`)).statusCode, 200);
    assert.equal((await call('B', 'GET', `/subscriptions/${id}`)).statusCode, 404);
    const listed = await call('B', 'GET', `/subscriptions?userId=${customerA}`);
    assert.deepEqual(listed.json<{ subscriptions: unknown[] }>().subscriptions, []);
    const cancel = await call('B', 'POST', `/subscriptions/${id}/cancel`, { userId: customerB });
    assert.equal(cancel.statusCode, 404);
    assert.equal(
      (await call('A', 'GET', `/subscriptions/${id}`)).json<{ status: string }>().status,
      'active',
    );
  });

  it("never joins a stranger's order through an x-correlation-id", async () => {
    const productId = randomUUID();
    await call('staff', 'POST', '/inventory/add', stockBody(productId, 10));
    const victim = placeOrderBody([{ productId, quantity: 1 }]);
    const victimOrder = { ...victim, customer: { ...victim.customer, customerId: customerA } };
    await call('A', 'POST', '/orders', victimOrder);
    const spoof = placeOrderBody([{ productId, quantity: 1 }]);
    const spoofOrder = { ...spoof, customer: { ...spoof.customer, customerId: customerB } };
    const answer = await domain.inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: bearer['B']!, 'x-correlation-id': victimOrder.orderId },
      payload: spoofOrder,
    });
    assert.equal(answer.statusCode, 202);
    await call('B', 'POST', `/orders/${spoofOrder.orderId}/cancel`, {});
    await domain.settled();
    const seen = (await call('admin', 'GET', `/orders/${victimOrder.orderId}`)).json<{
      status: string;
      timeline: { subject: string; type: string }[];
    }>();
    assert.notEqual(seen.status, 'cancelled');
    assert.deepEqual(
      seen.timeline.filter((entry) => entry.subject === spoofOrder.orderId),
      [],
      'no message of the other order in this timeline',
    );
    assert.ok(!seen.timeline.some((entry) => entry.type === 'OrderCancelled'));
  });

  it('refuses a card number in any field of a body: subscription payment method, names, streets', async () => {
    const card = '4242 4242 4242 4242';
    const order = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const bodies: [string, string, object][] = [
      ['/subscriptions', '/paymentMethod', subscribeUserBody({ userId: customerA, paymentMethod: card })],
      [
        '/orders',
        '/customer/name',
        { ...order, customer: { ...order.customer, customerId: customerA, name: card } },
      ],
      [
        '/orders',
        '/shippingAddress/street',
        {
          ...order,
          customer: { ...order.customer, customerId: customerA },
          shippingAddress: { ...order.shippingAddress, street: `Card ${card.replaceAll(' ', '-')}` },
        },
      ],
    ];
    for (const [url, field, body] of bodies) {
      const answer = await call('A', 'POST', url, body);
      assert.equal(answer.statusCode, 400, `${url} ${field}`);
      const refusal = answer.json<{ code: string; errors: { field: string }[] }>();
      assert.equal(refusal.code, 'REQUEST.CARD_DATA_REFUSED');
      assert.equal(refusal.errors[0]?.field, field);
    }
    assert.equal((await call('admin', 'GET', `/orders/${order.orderId}`)).statusCode, 404);
  });
});
