import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, it } from 'node:test';
import {
  InventoryAdjusted,
  OrderAmendmentRejected,
  OrderCancelled,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  NotificationFailed,
  NotificationSent,
  OutOfStock,
  type Envelope,
  type MessageContract,
  type PayloadOf,
} from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { publishedBy } from '../../../test/support/published.js';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/support/smtp-server.js';
import { notificationService } from './index.js';

const ALERTS = 'stock@shop.test';

interface NotificationJson {
  notificationId: string;
  type: string;
  recipient: string;
  content: { subject: string; text: string };
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
  orderId: string | null;
  createdAt: string;
  timestamp: string;
  sentAt: string | null;
}

interface Problem {
  code: string;
  status: number;
  detail: string;
}

interface NotificationRow {
  notification_id: string;
  type: string;
  recipient: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  source_message_id: string;
  correlation_id: string;
  sent_at: Date | null;
}

function anOrder() {
  const customer = { customerId: randomUUID(), name: 'Ada Lovelace', email: 'ada@example.test' };
  const gear = {
    productId: randomUUID(),
    productName: 'Analytical Engine Gear',
    quantity: 2,
    unitPrice: 29.99,
    totalPrice: 59.98,
  };
  const cards = {
    productId: randomUUID(),
    productName: 'Punched Cards',
    quantity: 3,
    unitPrice: 5,
    totalPrice: 15,
  };
  const orderId = randomUUID();
  const now = new Date().toISOString();
  const placed: PayloadOf<typeof OrderPlaced> = {
    orderId,
    customer,
    orderItems: [gear, cards],
    totalAmount: 74.98,
    orderDate: now,
    timestamp: now,
  };
  const confirmed: PayloadOf<typeof OrderConfirmed> = {
    orderId,
    userId: customer.customerId,
    orderItems: [gear, cards],
    orderStatus: 'confirmed',
    totalAmount: 74.98,
    confirmationTimestamp: now,
  };
  return { orderId, customer, gear, cards, placed, confirmed, now };
}

describeEachEngine('NotificationService', (open) => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let testHost: TestHost | undefined;

  beforeEach(async () => {
    database = await open();
    smtp = await startTestSmtpServer();
  });

  afterEach(async () => {
    await testHost?.stop();
    testHost = undefined;
    await smtp.stop();
    await database.dispose();
  });

  async function start(env: Record<string, string> = {}): Promise<TestHost> {
    testHost = await startTestHost({
      db: database.db,
      modules: [notificationService],
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'orders@shop.test', INVENTORY_ALERTS_EMAIL: ALERTS, ...env },
    });
    return testHost;
  }

  async function publish<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    overrides: Partial<Envelope> = {},
  ): Promise<Envelope<PayloadOf<C>>> {
    const envelope = envelopeFor(contract, payload, overrides);
    await republish(contract, envelope);
    return envelope;
  }

  async function republish(contract: MessageContract, envelope: Envelope): Promise<void> {
    await host().bus.publish([{ channel: contract.channel, envelope }]);
  }

  function host(): TestHost {
    assert.ok(testHost, 'start the host first');
    return testHost;
  }

  /** The bus is drained and the dispatcher has settled every notification (its backlog is empty). */
  const dispatched = () => host().settled();

  const notifications = () =>
    database.db.query<NotificationRow>('select * from notifications.notifications order by created_at');

  const publishedOf = <C extends MessageContract>(contract: C) =>
    publishedBy(database.db, 'NotificationService', contract);

  const get = (url: string) => host().inject({ method: 'GET', url });

  it('emails one order confirmation with the items and total once the order is placed and confirmed', async () => {
    await start();
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    const confirmed = await publish(OrderConfirmed, order.confirmed);

    const [email] = await smtp.waitForMessages(1);
    await dispatched();

    assert.equal(smtp.received.length, 1);
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
    const [parked] = await database.db.query<{ awaited: string }>(
      'select awaited from notifications.parked where message_id = $1',
      [confirmed.id],
    );
    assert.equal(parked?.awaited, `order-placed:${order.orderId}`);
    assert.equal((await notifications()).length, 0);

    await publish(OrderPlaced, order.placed);
    await smtp.waitForMessages(1);
    await dispatched();

    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.subject, `Order ${order.orderId} confirmed`);
    assert.equal((await notifications()).length, 1);
    assert.deepEqual(await database.db.query('select * from notifications.parked'), []);
    assert.deepEqual(await database.db.query('select * from notifications.dead_letters'), []);
  });

  it('creates one notification and sends one email however often the same event is delivered', async () => {
    await start();
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    const confirmed = await publish(OrderConfirmed, order.confirmed);
    await smtp.waitForMessages(1);
    await dispatched();

    // Again, past the bus's de-duplication: the inbox recognises it.
    await database.db.query('delete from bus.messages where id = $1', [confirmed.id]);
    await republish(OrderConfirmed, confirmed);
    await dispatched();
    // And past the inbox too: the notification's unique key recognises it.
    await database.db.query('delete from bus.messages where id = $1', [confirmed.id]);
    await database.db.query('delete from notifications.inbox where idempotency_key = $1', [
      confirmed.idempotencykey,
    ]);
    await republish(OrderConfirmed, confirmed);
    await dispatched();

    const inbox = await database.db.query('select 1 from notifications.inbox where idempotency_key = $1', [
      confirmed.idempotencykey,
    ]);
    assert.equal(inbox.length, 1, 'the last delivery was handled');
    assert.equal((await notifications()).length, 1);
    assert.equal(smtp.received.length, 1);
    assert.equal((await publishedOf(NotificationSent)).length, 1);
  });

  it('retries an email the SMTP server defers (450) and sends it on the third attempt', async () => {
    await start();
    smtp.failNext(2, 450);
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    await publish(OrderConfirmed, order.confirmed);

    await smtp.waitForMessages(1);
    await dispatched();

    assert.equal(smtp.received.length, 1);
    const [row] = await notifications();
    assert.equal(row?.status, 'sent');
    assert.equal(row.attempts, 3);
    assert.equal(row.last_error, null);
    assert.equal((await publishedOf(NotificationSent)).length, 1);
    assert.equal((await publishedOf(NotificationFailed)).length, 0);
  });

  it('fails an email the SMTP server refuses for good (550) after one attempt and reports it', async () => {
    await start();
    smtp.failNext(1, 550);
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    const confirmed = await publish(OrderConfirmed, order.confirmed);

    await dispatched();

    // A retry would have gone through: the server refuses only the first message.
    assert.deepEqual(smtp.received, []);
    const [row, ...others] = await notifications();
    assert.equal(others.length, 0);
    assert.equal(row?.status, 'failed');
    assert.equal(row.attempts, 1);
    assert.match(row.last_error ?? '', /550/);
    assert.equal(row.sent_at, null);

    const [failed, ...moreFailed] = await publishedOf(NotificationFailed);
    assert.equal(moreFailed.length, 0);
    assert.ok(failed);
    assert.equal(failed.causationid, confirmed.id);
    assert.equal(failed.data['attempts'], 1);
    assert.match(failed.data.error, /550/);
    assert.equal((await publishedOf(NotificationSent)).length, 0);
  });

  it('records notifications without sending them when no email provider is configured, visible over HTTP', async () => {
    await start({ SMTP_URL: '' });
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    await publish(OrderConfirmed, order.confirmed);
    await dispatched();

    const response = await get(`/notifications?orderId=${order.orderId}`);
    assert.equal(response.statusCode, 200);
    const body = response.json<{ notifications: NotificationJson[] }>();
    assert.equal(body.notifications.length, 1);
    const [recorded] = body.notifications;
    assert.equal(recorded?.status, 'recorded');
    assert.equal(recorded.type, 'order_confirmation');
    assert.equal(recorded.channel, 'email');
    assert.equal(recorded.recipient, 'ada@example.test');
    assert.equal(recorded.attempts, 1);
    assert.equal(recorded.content.subject, `Order ${order.orderId} confirmed`);
    assert.match(recorded.content.text, /Total: \$74\.98/);
    assert.ok(recorded.sentAt);
    assert.deepEqual(smtp.received, []);

    const sent = await publishedOf(NotificationSent);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.data['delivery'], 'recorded_only');
  });

  it('names the products that were short in the rejection email', async () => {
    await start();
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    await publish(OrderRejected, {
      orderId: order.orderId,
      userId: order.customer.customerId,
      reason: 'insufficient_stock',
      shortages: [{ productId: order.cards.productId, requested: 3, available: 1 }],
      timestamp: order.now,
    });

    const [email] = await smtp.waitForMessages(1);
    await dispatched();

    assert.equal(email?.subject, `Order ${order.orderId} could not be accepted`);
    assert.match(email.text, /do not have enough stock/);
    assert.ok(email.text.includes(`Punched Cards (${order.cards.productId}): 3 requested, 1 available`));
    assert.doesNotMatch(email.text, /Analytical Engine Gear/);
    assert.equal((await notifications())[0]?.type, 'order_rejected');
  });

  it('tells the customer about a cancellation and a rejected amendment, listed by recipient', async () => {
    await start({ SMTP_URL: '' });
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    await publish(OrderAmendmentRejected, {
      orderId: order.orderId,
      userId: order.customer.customerId,
      reason: 'insufficient_stock',
      shortages: [{ productId: order.gear.productId, requested: 5, available: 2 }],
      totalAmount: 74.98,
      timestamp: order.now,
    });
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

  it('alerts the inventory team when a product is out of stock', async () => {
    await start();
    const productId = randomUUID();
    const orderId = randomUUID();
    await publish(OutOfStock, {
      productId,
      availableQuantity: 0,
      requestedQuantity: 4,
      orderId,
      timestamp: new Date().toISOString(),
    });

    const [email] = await smtp.waitForMessages(1);
    await dispatched();

    assert.deepEqual(email?.to, [ALERTS]);
    assert.equal(email.subject, `Out of stock: product ${productId}`);
    assert.match(email.text, /Requested: 4/);
    const [row] = await notifications();
    assert.equal(row?.type, 'out_of_stock_alert');
    assert.equal(row.recipient, ALERTS);
    assert.equal(row.status, 'sent');
  });

  it('alerts that a product is back in stock only when new stock makes some available where none was', async () => {
    await start();
    const warehouseId = randomUUID();
    const restocked = randomUUID();
    const corrected = randomUUID();
    const adjust = (
      productId: string,
      change: number,
      available: number,
      reason: PayloadOf<typeof InventoryAdjusted>['adjustment_reason'],
    ) => {
      const id = randomUUID();
      return publish(
        InventoryAdjusted,
        {
          event_id: id,
          timestamp: new Date().toISOString(),
          product_id: productId,
          warehouse_id: warehouseId,
          adjusted_quantity: change,
          new_quantity: Math.max(available, 0),
          available_quantity: available,
          adjustment_reason: reason,
          adjusted_by: 'test',
        },
        { id },
      );
    };

    await adjust(restocked, 5, 5, 'restock'); // 0 -> 5: alert
    await adjust(restocked, 5, 10, 'restock'); // 5 -> 10: was available already
    await adjust(randomUUID(), 2, 2, 'order_cancelled'); // 0 -> 2, but units given back, not new stock
    await adjust(corrected, 3, 3, 'manual_update'); // 0 -> 3: alert
    await adjust(corrected, -3, 0, 'manual_update'); // 3 -> 0: nothing available

    await smtp.waitForMessages(2);
    await dispatched();

    assert.equal(smtp.received.length, 2);
    assert.deepEqual(
      smtp.received.map((email) => email.to),
      [[ALERTS], [ALERTS]],
    );
    assert.deepEqual(
      smtp.received.map((email) => email.subject).sort(),
      [
        `Back in stock: product ${corrected} in warehouse ${warehouseId}`,
        `Back in stock: product ${restocked} in warehouse ${warehouseId}`,
      ].sort(),
    );
    const rows = await notifications();
    assert.deepEqual(
      rows.map((row) => row.type),
      ['back_in_stock_alert', 'back_in_stock_alert'],
    );
  });

  it('dead-letters an OrderConfirmed of a version outside the accepted range and creates no notification', async () => {
    await start();
    const order = anOrder();
    await publish(OrderPlaced, order.placed);
    await host().settled();
    const future = await publish(OrderConfirmed, order.confirmed, { dataversion: '9.0.0' });
    await dispatched();

    const body = (await get('/admin/dead-letters')).json<{
      deadLetters: { service: string; consumer: string; messageId: string; reason: string }[];
    }>();
    assert.equal(body.deadLetters.length, 1);
    const [letter] = body.deadLetters;
    assert.equal(letter?.service, 'NotificationService');
    assert.equal(letter.consumer, 'NotificationService-order-confirmation');
    assert.equal(letter.messageId, future.id);
    assert.match(letter.reason, /version 9\.0\.0 is outside the accepted range 0\.0\.x/);
    assert.deepEqual(await notifications(), []);
    assert.deepEqual(smtp.received, []);
  });

  it('answers 400 to a listing without recipient or orderId and 404 to an unknown notification', async () => {
    await start();

    const unfiltered = await get('/notifications');
    assert.equal(unfiltered.statusCode, 400);
    assert.equal(unfiltered.json<Problem>().code, 'NOTIFICATIONS.FILTER_REQUIRED');
    assert.match(String(unfiltered.headers['content-type']), /application\/problem\+json/);
    const typeOnly = await get('/notifications?type=order_confirmation');
    assert.equal(typeOnly.statusCode, 400);
    assert.equal(typeOnly.json<Problem>().code, 'NOTIFICATIONS.FILTER_REQUIRED');

    const unknownId = randomUUID();
    const unknown = await get(`/notifications/${unknownId}`);
    assert.equal(unknown.statusCode, 404);
    assert.match(String(unknown.headers['content-type']), /application\/problem\+json/);
    const problem = unknown.json<Problem>();
    assert.equal(problem.code, 'NOTIFICATIONS.NOT_FOUND');
    assert.equal(problem.status, 404);
    assert.match(problem.detail, new RegExp(unknownId));

    const malformed = await get('/notifications/not-a-uuid');
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json<Problem>().code, 'REQUEST.INVALID');
  });
});
