import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  NotificationSent,
  OrderAmendmentRejected,
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { messageFor } from '../../../test/support/envelopes.js';
import { anOrder, notificationSpec, type NotificationJson } from '../../../test/support/notifications.js';

describeEachEngine('NotificationService: emails about orders', (open) => {
  const {
    db,
    smtp,
    start,
    host,
    publish,
    republish,
    knownOrder,
    dispatched,
    notifications,
    publishedOf,
    get,
  } = notificationSpec(open);

  it('emails one order confirmation with the items and total once the order is placed and confirmed', async () => {
    await start();
    const order = await knownOrder();
    const confirmed = await publish(OrderConfirmed, order.confirmed);

    const [email] = await smtp().waitForMessages(1);
    await dispatched();

    assert.equal(smtp().received.length, 1);
    assert.ok(email);
    assert.deepEqual(email.to, ['ada@example.test']);
    assert.equal(email.from, 'orders@shop.test');
    assert.equal(email.subject, `Order ${order.orderId} confirmed`);
    assert.match(email.text, /Hello Ada Lovelace,/);
    assert.match(email.text, /2 x Analytical Engine Gear at \$29\.99 = \$59\.98/);
    assert.match(email.text, /3 x Punched Cards at \$5\.00 = \$15\.00/);
    assert.match(email.text, /Total: \$74\.98/);

    const [row, ...others] = await notifications();
    assert.equal(others.length, 0);
    assert.ok(row);
    assert.equal(row.type, 'order_confirmation');
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 1);
    assert.equal(row.source_message_id, confirmed.id);
    assert.equal(row.correlation_id, confirmed.correlationid);
    assert.equal(row.provider_message_id, `<${row.notification_id}@orders-domain.local>`);
    assert.equal(email.messageId, row.provider_message_id);
    assert.ok(row.sent_at instanceof Date);

    const [sent, ...moreSent] = await publishedOf(NotificationSent);
    assert.equal(moreSent.length, 0);
    assert.ok(sent);
    assert.equal(sent.correlationid, confirmed.correlationid);
    assert.equal(sent.causationid, confirmed.id);
    assert.deepEqual(
      { ...sent.data, timestamp: undefined },
      {
        notificationId: row.notification_id,
        type: 'order_confirmation',
        channel: 'email',
        recipient: 'ada@example.test',
        orderId: order.orderId,
        delivery: 'delivered_to_provider',
        timestamp: undefined,
      },
    );

    const response = await get(`/notifications/${row.notification_id}`);
    assert.equal(response.statusCode, 200);
    const body = response.json<NotificationJson>();
    assert.equal(body.status, 'sent');
    assert.equal(body.content.subject, email.subject);
    assert.equal(body.content.text, email.text);
    assert.equal(body.orderId, order.orderId);
    assert.equal(body.timestamp, body.createdAt);
    assert.ok(body.sentAt);
  });

  it('parks an OrderConfirmed that overtook its OrderPlaced, and sends it once the order is known, once', async () => {
    // A single delivery allowed: the early message must not depend on retries to survive.
    await start({ MAX_DELIVERIES: '1' });
    const order = anOrder();
    const confirmed = await publish(OrderConfirmed, order.confirmed);
    await host().settled();
    const [parked] = await db().query<{ awaited: string }>(
      'select awaited from notifications.parked where message_id = $1',
      [confirmed.id],
    );
    assert.equal(parked?.awaited, `order-placed:${order.orderId}`);
    assert.equal((await notifications()).length, 0);

    await publish(OrderPlaced, order.placed);
    await smtp().waitForMessages(1);
    await dispatched();

    assert.equal(smtp().received.length, 1);
    assert.equal(smtp().received[0]?.subject, `Order ${order.orderId} confirmed`);
    assert.equal((await notifications()).length, 1);
    assert.deepEqual(await db().query('select * from notifications.parked'), []);
    assert.deepEqual(await db().query('select * from notifications.dead_letters'), []);
  });

  it('creates one notification and sends one email however often the same event is delivered', async () => {
    await start();
    const order = await knownOrder();
    const confirmed = await publish(OrderConfirmed, order.confirmed);
    await smtp().waitForMessages(1);
    await dispatched();

    // Again, past the bus's de-duplication: the inbox recognises it.
    await db().query('delete from bus.messages where id = $1', [confirmed.id]);
    await republish(OrderConfirmed, confirmed);
    await dispatched();
    // And past the inbox too: the notification's unique key recognises it.
    await db().query('delete from bus.messages where id = $1', [confirmed.id]);
    await db().query('delete from notifications.inbox where idempotency_key = $1', [
      confirmed.idempotencykey,
    ]);
    await republish(OrderConfirmed, confirmed);
    await dispatched();

    const inbox = await db().query('select 1 from notifications.inbox where idempotency_key = $1', [
      confirmed.idempotencykey,
    ]);
    assert.equal(inbox.length, 1, 'the last delivery was handled');
    assert.equal((await notifications()).length, 1);
    assert.equal(smtp().received.length, 1);
    assert.equal((await publishedOf(NotificationSent)).length, 1);
  });

  it('handles messages that arrive together once each, and parks one whose order is unknown alone', async () => {
    await start({ SMTP_URL: '' });
    const [first, second, third, unknown] = [anOrder(), anOrder(), anOrder(), anOrder()];
    const customer = { ...first.customer, name: 'Ada King' };
    const earlier = new Date(Date.parse(first.now) - 60_000).toISOString();
    // The customer's newest details come first: the older OrderPlaced after them must not undo them.
    await host().bus.publish([
      messageFor(OrderPlaced, { ...first.placed, customer, timestamp: first.now }),
      messageFor(OrderPlaced, { ...second.placed, customer: first.customer, timestamp: earlier }),
      messageFor(OrderPlaced, { ...third.placed, customer: first.customer, timestamp: earlier }),
    ]);
    await host().settled();
    const confirmationOf = (order: ReturnType<typeof anOrder>) => ({
      ...order.confirmed,
      userId: first.customer.customerId,
    });
    await host().bus.publish([
      messageFor(OrderConfirmed, confirmationOf(first)),
      messageFor(OrderConfirmed, confirmationOf(second)),
    ]);
    await host().settled();
    const unknownConfirmed = messageFor(OrderConfirmed, unknown.confirmed);
    await host().bus.publish([unknownConfirmed, messageFor(OrderConfirmed, confirmationOf(third))]);
    await dispatched();

    const rows = await db().query<{ order_id: string; content: string }>(
      'select order_id, content from notifications.notifications',
    );
    assert.deepEqual(
      rows.map((row) => row.order_id).sort(),
      [first.orderId, second.orderId, third.orderId].sort(),
    );
    for (const row of rows) assert.match(row.content, /Hello Ada King,/);
    const parked = await db().query<{ message_id: string }>('select message_id from notifications.parked');
    assert.deepEqual(parked, [{ message_id: unknownConfirmed.envelope.id }]);
    assert.deepEqual(await db().query('select * from notifications.dead_letters'), []);
  });

  it('names the products that were short in the rejection email', async () => {
    await start();
    const order = await knownOrder();
    await publish(OrderRejected, order.shortOf(order.cards, 3, 1));

    const [email] = await smtp().waitForMessages(1);
    await dispatched();

    assert.equal(email?.subject, `Order ${order.orderId} could not be accepted`);
    assert.match(email.text, /do not have enough stock/);
    assert.ok(email.text.includes(`Punched Cards (${order.cards.productId}): 3 requested, 1 available`));
    assert.doesNotMatch(email.text, /Analytical Engine Gear/);
    assert.equal((await notifications())[0]?.type, 'order_rejected');
  });

  it('tells the customer about a cancellation and a rejected amendment, listed by recipient', async () => {
    await start({ SMTP_URL: '' });
    const order = await knownOrder();
    await publish(OrderAmendmentRejected, { ...order.shortOf(order.gear, 5, 2), totalAmount: 74.98 });
    await publish(OrderCancelled, {
      orderId: order.orderId,
      userId: order.customer.customerId,
      orderItems: order.placed.orderItems,
      orderStatus: 'cancelled',
      totalAmount: 74.98,
      cancellationReason: 'Customer changed their mind',
      timestamp: order.now,
    });
    await dispatched();

    const body = (await get('/notifications?recipient=ADA@example.test')).json<{
      notifications: NotificationJson[];
    }>();
    const byType = new Map(body.notifications.map((notification) => [notification.type, notification]));
    assert.equal(body.notifications.length, 2);
    const amendment = byType.get('amendment_rejected');
    assert.match(amendment?.content.text ?? '', /Analytical Engine Gear \(5 requested, 2 available\)/);
    const cancellation = byType.get('order_cancelled');
    assert.equal(cancellation?.content.subject, `Order ${order.orderId} cancelled`);
    assert.match(cancellation.content.text, /total \$74\.98/);
    assert.match(cancellation.content.text, /Reason: Customer changed their mind/);

    const onlyCancellations = (
      await get(`/notifications?orderId=${order.orderId}&type=order_cancelled`)
    ).json<{
      notifications: NotificationJson[];
    }>();
    assert.deepEqual(
      onlyCancellations.notifications.map((notification) => notification.type),
      ['order_cancelled'],
    );
  });
});
