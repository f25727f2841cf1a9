import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import type { Envelope } from '../../contracts/index.js';
import { tokenFor } from '../support/auth.js';
import { describeEachEngine } from '../support/databases.js';
import { domainPerSuite } from '../support/embedded-domain.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { subscribeUserBody } from '../support/subscriptions.js';

interface TimelineEntry {
  type: string;
  actor: { id: string; role: string } | null;
}

describeEachEngine('the actor travels with every message of a flow', (open) => {
  const { host, db } = domainPerSuite(open, { smtp: true });

  it('carries the customer who placed an order on every message, the workers’ included', async () => {
    const customerId = randomUUID();
    const customer = `Bearer ${await tokenFor({ sub: customerId, role: 'customer' })}`;
    const productId = randomUUID();
    const stocked = await host().inject({
      method: 'POST',
      url: '/inventory/add',
      payload: stockBody(productId, 5),
    });
    assert.equal(stocked.statusCode, 200, stocked.body);
    const body = placeOrderBody([{ productId, quantity: 2 }]);
    const order = { ...body, customer: { ...body.customer, customerId } };
    const placed = await host().inject({
      method: 'POST',
      url: '/orders',
      headers: { authorization: customer },
      payload: order,
    });
    assert.equal(placed.statusCode, 202, placed.body);
    await host().settled();

    const view = await host().inject({ method: 'GET', url: `/orders/${order.orderId}` });
    const { status, timeline } = view.json<{ status: string; timeline: TimelineEntry[] }>();
    assert.equal(status, 'completed');
    const types = timeline.map((entry) => entry.type);
    for (const type of [
      'PlaceOrder',
      'OrderPlaced',
      'PaymentProcessed',
      'OrderConfirmed',
      'NotificationSent',
    ])
      assert.ok(types.includes(type), `${type} missing from ${types.join(', ')}`);
    const actor = { id: customerId, role: 'customer' };
    for (const entry of timeline) assert.deepEqual(entry.actor, actor, `${entry.type} on the timeline`);

    // The envelopes as they travelled on the bus, beyond what the timeline keeps.
    const envelopes = (
      await db().query<{ envelope: Envelope }>(
        `select envelope from bus.messages where envelope->>'correlationid' = (
           select envelope->>'correlationid' from bus.messages
           where envelope->>'type' = 'OrderPlaced' and envelope->>'subject' = $1)
         order by seq`,
        [order.orderId],
      )
    ).map((row) => row.envelope);
    const travelled = envelopes.map((envelope) => envelope.type);
    for (const type of ['PaymentProcessed', 'NotificationSent'])
      assert.ok(travelled.includes(type), `${type} missing from ${travelled.join(', ')}`);
    for (const envelope of envelopes) {
      assert.equal(envelope.actorid, customerId, `${envelope.type} on the bus`);
      assert.equal(envelope.actorrole, 'customer', `${envelope.type} on the bus`);
    }
  });

  it('carries the user who subscribed on what the subscription worker publishes', async () => {
    const userId = randomUUID();
    const body = subscribeUserBody({ userId });
    const subscribed = await host().inject({
      method: 'POST',
      url: '/subscriptions',
      headers: { authorization: `Bearer ${await tokenFor({ sub: userId, role: 'customer' })}` },
      payload: body,
    });
    assert.equal(subscribed.statusCode, 202, subscribed.body);
    await host().settled();

    const envelopes = (
      await db().query<{ envelope: Envelope }>(
        `select envelope from bus.messages where envelope->>'subject' = $1 order by seq`,
        [body.subscriptionId],
      )
    ).map((row) => row.envelope);
    const travelled = envelopes.map((envelope) => envelope.type);
    assert.ok(travelled.includes('UserSubscriptionStarted'), travelled.join(', '));
    for (const envelope of envelopes) {
      assert.equal(envelope.actorid, userId, `${envelope.type} on the bus`);
      assert.equal(envelope.actorrole, 'customer', `${envelope.type} on the bus`);
    }
  });
});
